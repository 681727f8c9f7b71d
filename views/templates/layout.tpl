{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} – {{SITE_NAME}}</title>
<link rel="stylesheet" href="/_static/style.css">
<link rel="icon" href="/_static/favicon.svg" type="image/svg+xml">
{{#NOINDEX}}<meta name="robots" content="noindex,nofollow">{{/NOINDEX}}
</head>
<body>
<header class="site">
<a class="site-name" href="/">{{SITE_NAME}}</a>
<nav>
<a href="/">Front page</a>
<a href="/_recent">Recent changes</a>
<a href="/_pages">All pages</a>
</nav>
</header>
<main>
{{>CONTENT}}
</main>
<footer class="site">
<p>Powered by wikid.</p>
</footer>
</body>
</html>
