const jwt = require('jsonwebtoken');

const SECRET = process.env.JWT_SECRET;

function requireAuth(req, res, next) {
  const token = (req.headers.authorization || '').replace(/^Bearer /, '');
  try {
    req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });
    return next();
  } catch (err) {
    return res.status(401).json({ error: 'unauthorized' });
  }
}

function optionalAuth(req, res, next) {
  const token = req.cookies && req.cookies.session;
  if (!token) return next();
  try {
    req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });
  } catch (err) {
    req.user = null;
  }
  return next();
}

module.exports = { requireAuth, optionalAuth };
