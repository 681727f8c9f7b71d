{{%AUTOESCAPE context="HTML"}}
<article class="search">
<h1>Search</h1>
<form method="get" action="/_search" class="search-form" role="search">
<input type="search" name="q" value="{{QUERY}}" aria-label="Search the wiki" maxlength="{{MAX_QUERY}}">
<button type="submit">Search</button>
</form>
<p class="search-help">Words are all required; <code>"a phrase"</code> keeps words together, <code>wo*</code> finds words that start with it (two letters at least; pages named so first, then the newest), <code>OR</code> finds either, <code>-word</code> leaves pages with it out.</p>
{{#PARTIAL}}<p class="notice" role="status">The search index is being rebuilt: pages it has not reached yet are missing from these results.</p>{{/PARTIAL}}
{{#ERROR}}<p class="error" role="alert">{{MESSAGE}}</p>{{/ERROR}}
{{#GO}}<p class="search-go">There is a page named <a href="{{URL}}">{{TITLE}}</a>: go straight to it.</p>{{/GO}}
{{#CREATE}}<p class="search-create">There is no page named “{{TITLE}}”. <a href="{{URL}}">Create it</a>.</p>{{/CREATE}}
{{#FILES}}<p class="search-files">Files named so: {{#FILE_HIT}}<a href="{{URL}}">{{NAME}}</a>{{#FILE_HIT_separator}}, {{/FILE_HIT_separator}}{{/FILE_HIT}}{{#MORE_FILES}} and more, in <a href="/_files">the list of files</a>{{/MORE_FILES}}.</p>{{/FILES}}
{{#COUNT}}<p class="search-count">{{TOTAL}} found{{#RANGE}}, showing {{FIRST}}–{{LAST}}{{/RANGE}}.</p>{{/COUNT}}
{{#NONE}}<p class="search-count">No page matches.</p>{{/NONE}}
<ol class="search-results" start="{{FIRST}}">
{{#HIT}}<li>
<a class="hit-title" href="{{URL}}">{{#TITLE_PART}}{{#MATCH}}<mark>{{TEXT}}</mark>{{/MATCH}}{{#PLAIN}}{{TEXT}}{{/PLAIN}}{{/TITLE_PART}}</a>
<p class="snippet">{{#SNIPPET_PART}}{{#MATCH}}<mark>{{TEXT}}</mark>{{/MATCH}}{{#PLAIN}}{{TEXT}}{{/PLAIN}}{{/SNIPPET_PART}}</p>
</li>
{{/HIT}}
</ol>
<nav class="pagination" aria-label="More">
{{#PREVIOUS}}<a rel="prev" href="{{URL}}">Previous results</a>{{/PREVIOUS}}
{{#NEXT}}<a rel="next" href="{{URL}}">More results</a>{{/NEXT}}
</nav>
{{#MANY}}<p class="search-refine">So many pages match that these are the best of the {{CANDIDATES}} newest; add words to narrow the search.</p>{{/MANY}}
{{#REFINE}}<p class="search-refine">That is as far as results can be paged (the first {{PAGED}}); add words to narrow the search.</p>{{/REFINE}}
</article>
