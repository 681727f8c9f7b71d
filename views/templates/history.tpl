{{%AUTOESCAPE context="HTML"}}
<article class="history">
<h1>History of <a href="{{PAGE_URL}}">{{TITLE}}</a></h1>
<p>{{LATEST_REV}} revisions, newest first. <a class="feed" href="{{FEED_URL}}" type="application/atom+xml">Atom feed</a> of this page's changes, for a feed reader.</p>
{{#WATCH}}
<form method="post" action="{{WATCH_URL}}" class="inline watch">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<input type="hidden" name="back" value="{{WATCH_BACK}}">
{{#NOT_WATCHING}}<button type="submit" name="watch" value="1">Watch</button>{{/NOT_WATCHING}}
{{#WATCHING}}<button type="submit" name="watch" value="0">Unwatch</button>{{/WATCHING}}
</form>
{{/WATCH}}
{{! A GET form: comparing changes nothing, so it needs no CSRF token. }}
<form method="get" action="{{DIFF_URL}}" class="compare">
<div class="table-scroll" role="region" aria-label="Revisions" tabindex="0">
<table class="revisions">
<thead><tr><th scope="col">From</th><th scope="col">To</th><th>Revision</th><th>Time</th><th>Author</th><th>Size</th><th>Change</th><th>Summary</th></tr></thead>
<tbody>
{{#REVISION}}
<tr>
<td><input type="radio" name="from" value="{{REV}}" aria-label="Compare from revision {{REV}}"{{#FROM_CHECKED}} checked{{/FROM_CHECKED}}></td>
<td><input type="radio" name="to" value="{{REV}}" aria-label="Compare to revision {{REV}}"{{#TO_CHECKED}} checked{{/TO_CHECKED}}></td>
<td><a href="{{REV_URL}}">{{REV}}</a>{{#HAS_PREVIOUS}} <a class="diff-link" href="{{DIFF_PREVIOUS_URL}}">diff with previous</a>{{/HAS_PREVIOUS}}{{#RESTORABLE}} <a class="restore" href="{{RESTORE_URL}}">restore</a>{{/RESTORABLE}}</td>
<td>{{TIME}}</td>
<td>{{#BY_ACCOUNT}}<a href="{{AUTHOR_URL}}">{{AUTHOR}}</a>{{/BY_ACCOUNT}}{{#BY_ADDRESS}}{{AUTHOR}}{{/BY_ADDRESS}}</td>
<td>{{SIZE}} bytes</td>
<td class="change {{CHANGE_CLASS}}">{{CHANGE}}</td>
<td>{{SUMMARY}}</td>
</tr>
{{/REVISION}}
</tbody>
</table>
</div>
<div class="actions"><button type="submit">Compare the selected revisions</button></div>
</form>
<nav class="pagination" aria-label="More">
{{#NEWER}}<a rel="prev" href="{{URL}}">Newer revisions</a>{{/NEWER}}
{{#OLDER}}<a rel="next" href="{{URL}}">Older revisions</a>{{/OLDER}}
</nav>
</article>
