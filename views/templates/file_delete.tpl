{{%AUTOESCAPE context="HTML"}}
<article class="delete">
<h1>Delete <a href="{{PAGE_URL}}">{{NAME}}</a>?</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<p>The file leaves the list of files and search, and pages that show it show a red link instead. Everyone else who opens it, or any of its addresses, is told who deleted it, when and why. Its {{REVISIONS}} revisions are kept: an admin can see them and undelete it.</p>
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<label for="field.reason">Reason</label>
<input type="text" id="field.reason" name="reason" value="{{REASON}}" maxlength="{{MAX_REASON}}">
<div class="actions"><button type="submit">Delete {{NAME}}</button> <a href="{{PAGE_URL}}">Cancel</a></div>
</form>
</article>
