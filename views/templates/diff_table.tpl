{{%AUTOESCAPE context="HTML"}}
{{#IDENTICAL}}<p class="diff-note">The two texts are the same.</p>{{/IDENTICAL}}
{{#TOO_LARGE}}<p class="diff-note">These texts differ too much to show a line-by-line comparison here: at least {{REMOVED}} were removed and {{ADDED}} added.</p>{{/TOO_LARGE}}
{{#COUNTS}}<p class="diff-summary">{{REMOVED}} removed, {{ADDED}} added.</p>{{/COUNTS}}
<div class="diff">
{{! Each block holds the old side's lines, then the new side's. style.css sets them side by side on wide screens (pad lines keep them level) and one above the other on narrow ones, which is the unified format: context once, removed lines, then added lines. pre_escape keeps tabs, which the default escaping would turn into spaces. }}
{{#HUNK}}
<section class="hunk">
<h3 class="hunk-head">Lines {{OLD_START}}–{{OLD_END}} → {{NEW_START}}–{{NEW_END}}</h3>
{{#BLOCK}}
<div class="block {{KIND}}">
<div class="side old">
{{#OLD_LINE}}<div class="line"><span class="no">{{NO}}</span><span class="text">{{#SEGMENT}}{{#CHANGED}}<del>{{TEXT:pre_escape}}</del>{{/CHANGED}}{{#SAME}}{{TEXT:pre_escape}}{{/SAME}}{{/SEGMENT}}</span></div>
{{/OLD_LINE}}
{{#OLD_PAD}}<div class="line pad"></div>
{{/OLD_PAD}}
</div>
<div class="side new">
{{#NEW_LINE}}<div class="line"><span class="no">{{NO}}</span><span class="text">{{#SEGMENT}}{{#CHANGED}}<ins>{{TEXT:pre_escape}}</ins>{{/CHANGED}}{{#SAME}}{{TEXT:pre_escape}}{{/SAME}}{{/SEGMENT}}</span></div>
{{/NEW_LINE}}
{{#NEW_PAD}}<div class="line pad"></div>
{{/NEW_PAD}}
</div>
</div>
{{/BLOCK}}
</section>
{{/HUNK}}
</div>
{{#CUT}}<p class="diff-note">The comparison is cut here: it is too long to show whole. {{REMOVED}} were removed and {{ADDED}} added in all.</p>{{/CUT}}
