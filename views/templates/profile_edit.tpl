{{%AUTOESCAPE context="HTML"}}
<article class="account-form">
<h1>Edit your profile</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<label for="field.display_name">Display name</label>
<input type="text" id="field.display_name" name="display_name" value="{{DISPLAY_NAME}}" maxlength="64">
<label for="field.email">Email (optional; only admins see it)</label>
<input type="email" id="field.email" name="email" value="{{EMAIL}}" maxlength="254">
<p class="hint">A new address gets a link to confirm it (your profile can send it again); mail about the pages you watch goes only to a confirmed one.</p>
<label><input type="checkbox" name="watch_created" value="1"{{#WATCH_CREATED}} checked{{/WATCH_CREATED}}> Watch the pages I create</label>
<label for="field.bio">About you (Markdown, at most 4096 bytes)</label>
<textarea id="field.bio" name="bio" rows="10">
{{BIO:pre_escape}}</textarea>
<div class="actions"><button type="submit">Save</button> <a href="{{PROFILE_URL}}">Cancel</a></div>
</form>
</article>
