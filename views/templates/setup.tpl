{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>Make the first admin</h1>
<p>This wiki has no admin yet. The account you make here is its first: it can protect pages and manage accounts. This link works once, until an admin exists.</p>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<form method="post" action="/_setup">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="token" value="{{SETUP_TOKEN}}">
<label for="field.name">User name</label>
<input type="text" id="field.name" name="name" value="{{NAME}}" required minlength="3" maxlength="32" pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" autocomplete="username" autofocus>
<p class="hint">3 to 32 letters, digits, '-', '_' or '.'.</p>
<label for="field.email">Email (optional: for mail about signups and new pages)</label>
<input type="email" id="field.email" name="email" value="{{EMAIL}}" maxlength="254" autocomplete="email">
<label for="field.password">Password</label>
<input type="password" id="field.password" name="password" required minlength="8" maxlength="1024" autocomplete="new-password">
<p class="hint">At least 8 characters.</p>
<label for="field.password2">Password again</label>
<input type="password" id="field.password2" name="password2" required minlength="8" maxlength="1024" autocomplete="new-password">
<div class="actions"><button type="submit">Make the admin account</button></div>
</form>
</article>
