{{%AUTOESCAPE context="HTML"}}
<article class="move">
<h1>Move <a href="{{PAGE_URL}}">{{TITLE}}</a></h1>
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
<p>Moving a page gives it a new name. Its whole history goes with it, and the move is saved as a revision of its own. The old name can become a redirect, so that links to it and bookmarks keep working. A name that is taken by another page cannot be used, unless that page is only a redirect to this one.</p>
<form method="post" action="{{ACTION_URL}}">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<p><label for="field.to">New name</label><br><input type="text" id="field.to" name="to" value="{{TO}}" required maxlength="200"></p>
<p><label for="field.reason">Reason</label><br><input type="text" id="field.reason" name="reason" value="{{REASON}}" maxlength="250"></p>
<p><label><input type="checkbox" name="redirect" value="1"{{#REDIRECT_CHECKED}} checked{{/REDIRECT_CHECKED}}> Leave a redirect behind</label></p>
<div class="actions"><button type="submit">Move page</button> <a href="{{PAGE_URL}}">Cancel</a></div>
</form>
</article>
