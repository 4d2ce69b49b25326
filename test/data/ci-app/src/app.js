const express = require('express');
const { requireAuth } = require('./middleware/auth');
const refresh = require('./routes/refresh');
const admin = require('./routes/admin');

const app = express();
app.use(express.json());
app.use('/auth', refresh);
app.use('/admin', requireAuth, admin);

module.exports = app;
