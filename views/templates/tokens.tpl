{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>API tokens</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<p>A token lets a program use the <a href="/_api/recent">JSON API</a> as you: it sends <code>Authorization: Bearer TOKEN</code>. Anyone who has a token can edit as you, so keep it secret, and revoke it when it is no longer used.</p>
{{#ISSUED}}
<div class="notice" role="status">
<p>Your new token “{{LABEL}}” is below. Copy it now: it is not kept, and will not be shown again.</p>
<p><code class="token">{{TOKEN}}</code></p>
</div>
{{/ISSUED}}
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="action" value="issue">
<label for="field.label">Name for a new token (what will use it)</label>
<input type="text" id="field.label" name="label" required maxlength="{{MAX_LABEL}}" value="{{TYPED_LABEL}}">
<div class="actions"><button type="submit">Make a token</button> <a href="{{PROFILE_URL}}">Back to your profile</a></div>
</form>
<h2>Your tokens</h2>
{{#NONE}}<p>You have no tokens.</p>{{/NONE}}
<ul class="tokens">
{{#TOKEN_ROW}}<li>{{LABEL}}, made {{TIME}}
<form method="post" action="{{ACTION_URL}}" class="inline">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="action" value="revoke">
<input type="hidden" name="id" value="{{ID}}">
<button type="submit">Revoke</button>
</form></li>
{{/TOKEN_ROW}}
</ul>
</article>
