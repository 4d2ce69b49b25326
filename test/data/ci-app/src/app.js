const express = require('express');
const rateLimit = require('express-rate-limit');
const { requireAuth } = require('./middleware/auth');
const refresh = require('./routes/refresh');
const admin = require('./routes/admin');

const app = express();
app.use(express.json());
app.use('/auth', rateLimit({ windowMs: 60_000, limit: 20 }), refresh);
app.use('/admin', requireAuth, admin);

module.exports = app;
