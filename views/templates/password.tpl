{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>Change your password</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<p>Changing it logs you out everywhere else.</p>
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<label for="field.current">Current password</label>
<input type="password" id="field.current" name="current" required maxlength="1024" autocomplete="current-password" autofocus>
<label for="field.password">New password</label>
<input type="password" id="field.password" name="password" required minlength="8" maxlength="1024" autocomplete="new-password">
<label for="field.password2">New password again</label>
<input type="password" id="field.password2" name="password2" required minlength="8" maxlength="1024" autocomplete="new-password">
<div class="actions"><button type="submit">Change password</button> <a href="{{PROFILE_URL}}">Cancel</a></div>
</form>
</article>
