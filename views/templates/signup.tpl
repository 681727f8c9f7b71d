{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>Sign up</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#SIGNUP_OFF}}<p class="notice">This wiki does not take new accounts here; ask one of its admins.</p>{{/SIGNUP_OFF}}
{{#SIGNUP_ON}}
<form method="post" action="/_signup">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="next" value="{{NEXT}}">
<label for="field.name">User name</label>
<input type="text" id="field.name" name="name" value="{{NAME}}" required minlength="3" maxlength="32" pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" autocomplete="username" autofocus>
<p class="hint">3 to 32 letters, digits, '-', '_' or '.'; it is shown on every edit you make.</p>
<label for="field.email">Email (optional)</label>
<input type="email" id="field.email" name="email" value="{{EMAIL}}" maxlength="254" autocomplete="email">
<label for="field.password">Password</label>
<input type="password" id="field.password" name="password" required minlength="8" maxlength="1024" autocomplete="new-password">
<p class="hint">At least 8 characters.</p>
<label for="field.password2">Password again</label>
<input type="password" id="field.password2" name="password2" required minlength="8" maxlength="1024" autocomplete="new-password">
<div class="actions"><button type="submit">Sign up</button> <a href="{{LOGIN_URL}}">I have an account</a></div>
</form>
{{/SIGNUP_ON}}
</article>
