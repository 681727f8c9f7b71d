{{%AUTOESCAPE context="HTML"}}
<article class="link-list">
<h1>{{HEADING}}{{#ABOUT_PAGE}} <a href="{{PAGE_URL}}">{{TITLE}}</a>{{/ABOUT_PAGE}}</h1>
<p class="intro">{{INTRO}}</p>
{{#EMPTY}}<p>{{EMPTY_MESSAGE}}</p>{{/EMPTY}}
<ul class="page-list">
{{#ITEM}}<li><a href="{{URL}}">{{TITLE}}</a>{{#LINK_COUNT}} <span class="revs">(linked from <a href="{{LINKS_URL}}">{{COUNT}}</a>)</span>{{/LINK_COUNT}}{{#REDIRECT}} <span class="revs">(redirect)</span>
<ul>{{#VIA_ITEM}}<li><a href="{{URL}}">{{TITLE}}</a></li>{{/VIA_ITEM}}{{#VIA_MORE}}<li><a href="{{LINKS_URL}}">More</a></li>{{/VIA_MORE}}</ul>{{/REDIRECT}}</li>
{{/ITEM}}
</ul>
<nav class="pagination" aria-label="More">
{{#FIRST}}<a href="{{URL}}">First page</a>{{/FIRST}}
{{#NEXT}}<a rel="next" href="{{URL}}">Next page</a>{{/NEXT}}
</nav>
</article>
