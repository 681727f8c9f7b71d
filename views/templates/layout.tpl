{{%AUTOESCAPE context="HTML"}}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}} – {{SITE_NAME}}</title>
<meta name="description" content="{{TITLE}}, on the wiki {{SITE_NAME}}">
<link rel="stylesheet" href="{{STYLE_URL}}">
<link rel="icon" href="/_static/favicon.svg" type="image/svg+xml">
{{#FEED}}<link rel="alternate" type="application/atom+xml" href="{{FEED_URL}}" title="{{FEED_TITLE}}">{{/FEED}}
{{#NOINDEX}}<meta name="robots" content="noindex,nofollow">{{/NOINDEX}}
</head>
<body>
<header class="site">
<a class="site-name" href="/">{{SITE_NAME}}</a>
<nav aria-label="Site">
<a href="/">Front page</a>
<a href="/_recent">Recent changes</a>
<a href="/_pages">All pages</a>
<a href="/_files">Files</a>
</nav>
<form method="get" action="/_search" class="search-box" role="search">
<input type="search" name="q" placeholder="Search" aria-label="Search the wiki">
</form>
<div class="account">
{{#SIGNED_IN}}
<a class="user" href="{{PROFILE_URL}}">{{USER_NAME}}</a>
<a href="/_watchlist">Watchlist</a>
{{#ADMIN}}<a href="/_admin/users">Admin</a>{{/ADMIN}}
<form method="post" action="/_logout" class="logout">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<button type="submit">Log out</button>
</form>
{{/SIGNED_IN}}
{{#SIGNED_OUT}}
<a href="{{LOGIN_URL}}">Log in</a>
{{#SIGNUP}}<a href="{{SIGNUP_URL}}">Sign up</a>{{/SIGNUP}}
{{/SIGNED_OUT}}
</div>
</header>
<main>
{{#NOTICE}}<p class="notice flash" role="status">{{NOTICE_TEXT}}</p>{{/NOTICE}}
{{>CONTENT}}
</main>
<footer class="site">
<p>Powered by wikid.</p>
</footer>
</body>
</html>
