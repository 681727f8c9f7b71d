{{%AUTOESCAPE context="HTML"}}
<article class="profile">
<div class="page-header">
<h1>{{SHOWN_NAME}}</h1>
{{#OWN}}<nav class="page-actions" aria-label="Account"><a href="{{EDIT_URL}}">Edit profile</a> <a href="{{PASSWORD_URL}}">Change password</a> <a href="{{TOKENS_URL}}">API tokens</a></nav>{{/OWN}}
</div>
{{#EMAIL_STATE}}
<p class="email-state">Your email address {{EMAIL}} is {{#CONFIRMED}}confirmed: mail about the pages you watch goes to it.{{/CONFIRMED}}{{#UNCONFIRMED}}not confirmed yet: mail about the pages you watch waits for it.{{/UNCONFIRMED}} <a href="/_watchlist">Your watchlist</a></p>
{{#UNCONFIRMED}}
<form method="post" action="{{RESEND_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<button type="submit">Send the confirmation link again</button>
</form>
{{/UNCONFIRMED}}
{{/EMAIL_STATE}}
<p class="page-meta">User {{NAME}}{{#ADMIN_ROLE}}, admin{{/ADMIN_ROLE}}{{#DISABLED}}, disabled{{/DISABLED}}. Joined {{JOINED}}; {{EDIT_COUNT}} edits.</p>
{{#HAS_BIO}}
<div class="content bio">
{{! BODY_HTML is the bio rendered by the same Markdown renderer as page text, which drops raw HTML and unsafe URLs; escaping it again would show the markup as text. }}
{{BODY_HTML:none}}
</div>
{{/HAS_BIO}}
<section class="contributions">
<h2>Contributions</h2>
{{>CHANGE_LIST}}
<nav class="pagination" aria-label="More">
{{#NEWEST}}<a href="{{URL}}">Newest contributions</a>{{/NEWEST}}
{{#OLDER}}<a rel="next" href="{{URL}}">Older contributions</a>{{/OLDER}}
</nav>
</section>
</article>
