{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>Change your password</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<p>Changing it logs you out everywhere else.</p>
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<label for="current">Current password</label>
<input type="password" id="current" name="current" required maxlength="1024" autocomplete="current-password" autofocus>
<label for="password">New password</label>
<input type="password" id="password" name="password" required minlength="8" maxlength="1024" autocomplete="new-password">
<label for="password2">New password again</label>
<input type="password" id="password2" name="password2" required minlength="8" maxlength="1024" autocomplete="new-password">
<div class="actions"><button type="submit">Change password</button> <a href="{{PROFILE_URL}}">Cancel</a></div>
</form>
</article>
