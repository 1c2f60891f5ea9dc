'use strict';

// No inline script or style: the edge sends a strict Content-Security-Policy.
const HOME_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Slipway sample app</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<h1>Slipway sample app</h1>
<p>It is running. Try <a href="/api/visits"><code>/api/visits</code></a> (Redis and PostgreSQL),
<a href="/health"><code>/health</code></a> and <a href="/metrics"><code>/metrics</code></a>.</p>
</body>
</html>
`;

module.exports = { HOME_HTML };
