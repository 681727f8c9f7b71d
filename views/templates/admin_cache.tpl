{{%AUTOESCAPE context="HTML"}}
<article class="admin">
<h1>Cache</h1>
{{#FLUSHED}}<p class="notice">Every memcached server was emptied.</p>{{/FLUSHED}}
{{#DISABLED}}<p class="notice">No memcached is configured (start wikid with --memcached): every view reads SQLite.</p>{{/DISABLED}}
{{#SERVER}}
<h2>memcached {{NAME}}{{#DOWN}} (not answering){{/DOWN}}</h2>
<table class="stats">
<tbody>
{{#STAT}}<tr><th>{{KEY}}</th><td>{{VALUE}}</td></tr>
{{/STAT}}
</tbody>
</table>
{{/SERVER}}
<h2>This worker (pid {{PID}})</h2>
<p>Each worker counts for itself; reload to see another.</p>
<table class="stats">
<thead><tr><th>Kind</th><th>From its memory</th><th>From memcached</th><th>Misses</th><th>Stale</th><th>Hit ratio</th></tr></thead>
<tbody>
{{#KIND}}<tr><th>{{NAME}}</th><td>{{LOCAL}}</td><td>{{HITS}}</td><td>{{MISSES}}</td><td>{{STALE}}</td><td>{{RATIO}}</td></tr>
{{/KIND}}
</tbody>
</table>
<p>memcached calls that failed: {{ERRORS}}; skipped while the breaker was open: {{SKIPPED}}; values too big to cache: {{TOO_BIG}}.</p>
<form method="post" action="/_admin/cache/flush">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<button type="submit">Empty every memcached server (flush_all)</button>
</form>
</article>
