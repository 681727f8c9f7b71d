{{%AUTOESCAPE context="HTML"}}
<article class="page welcome">
<h1>Welcome to {{SITE_NAME}}</h1>
<p>This wiki has no front page yet. To start, <a class="button" href="{{EDIT_URL}}">write the front page</a>{{#LOGIN_FIRST}} (<a href="{{SIGNUP_URL}}">sign up</a> or <a href="{{LOGIN_URL}}">log in</a> first){{/LOGIN_FIRST}}. Then link other pages from it: <code>[[Page name]]</code> makes a link, and a page not written yet is written from its link. <a href="/_help">How to write pages</a>.</p>
{{#FIRST_ADMIN}}
<p class="notice">No one administers this wiki yet. Whoever runs it makes the first admin account with the one-time link wikid wrote, when it started, to the file <code>setup-link</code> in its data folder (<code>scripts/run</code> prints it), or with <code>wikid user create NAME --admin</code>.</p>
{{/FIRST_ADMIN}}
<section class="recent">
<h2>Recent changes</h2>
{{! CHANGE_LIST_HTML is changes.tpl, auto-escaped when it was expanded, kept rendered in the cache (model/cache/recent_cache.h); escaping it again would show the markup as text. }}
{{CHANGE_LIST_HTML:none}}
<p>{{PAGE_COUNT}} pages, {{REVISION_COUNT}} revisions. <a href="/_recent">All recent changes</a></p>
</section>
</article>
