const express = require('express');
const jwt = require('jsonwebtoken');
const logger = require('../logger');

const router = express.Router();

router.post('/refresh', (req, res) => {
  let claims;
  try {
    claims = jwt.verify(req.body.refreshToken, process.env.REFRESH_SECRET);
  } catch (err) {
    logger.warn({ err, reason: err.name }, 'refresh token rejected');
    return res.status(401).json({ error: 'invalid refresh token' });
  }
  logger.info({ sub: claims.sub, ip: req.ip }, 'access token refreshed');
  const accessToken = jwt.sign({ sub: claims.sub }, process.env.JWT_SECRET, { expiresIn: '15m' });
  return res.json({ accessToken });
});

module.exports = router;
