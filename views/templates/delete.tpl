{{%AUTOESCAPE context="HTML"}}
<article class="delete">
<h1>Delete <a href="{{PAGE_URL}}">{{TITLE}}</a>?</h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<p>The page leaves the page list and search, and links to it turn red. Everyone who opens it is told who deleted it, when and why. Its {{REVISIONS}} revisions are kept: an admin can undelete it with its whole history.</p>
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<label for="field.reason">Reason</label>
<input type="text" id="field.reason" name="reason" value="{{REASON}}" maxlength="{{MAX_REASON}}">
<div class="actions"><button type="submit">Delete {{TITLE}}</button> <a href="{{PAGE_URL}}">Cancel</a></div>
</form>
</article>
