const express = require('express');

const router = express.Router();

router.get('/users', (req, res) => {
  res.json([{ id: req.user.sub }]);
});

module.exports = router;
