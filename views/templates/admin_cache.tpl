{{%AUTOESCAPE context="HTML"}}
<article class="admin">
<h1>Cache</h1>
{{#MAIL_UNCONFIGURED}}<p class="notice mail-unconfigured" role="status">Mail is not configured: no mail server was named (<code>--smtp-url</code>), so mail to admins goes to <code>smtp://127.0.0.1:25</code>, where there may be none. <a href="/_admin/mail">See the mail</a>.</p>{{/MAIL_UNCONFIGURED}}
{{#DISABLED}}<p class="notice">No memcached is configured (start wikid with --memcached): every view reads SQLite.</p>{{/DISABLED}}
{{#SERVER}}
<h2>memcached {{NAME}}{{#DOWN}} (not answering){{/DOWN}}</h2>
<div class="table-scroll" role="region" aria-label="memcached {{NAME}} statistics" tabindex="0">
<table class="stats">
<tbody>
{{#STAT}}<tr><th>{{KEY}}</th><td>{{VALUE}}</td></tr>
{{/STAT}}
</tbody>
</table>
</div>
{{/SERVER}}
<h2>This worker (pid {{PID}})</h2>
<p>Each worker counts for itself; reload to see another.</p>
<div class="table-scroll" role="region" aria-label="This worker's cache counts" tabindex="0">
<table class="stats">
<thead><tr><th>Kind</th><th>From its memory</th><th>From memcached</th><th>Misses</th><th>Stale</th><th>Hit ratio</th></tr></thead>
<tbody>
{{#KIND}}<tr><th>{{NAME}}</th><td>{{LOCAL}}</td><td>{{HITS}}</td><td>{{MISSES}}</td><td>{{STALE}}</td><td>{{RATIO}}</td></tr>
{{/KIND}}
</tbody>
</table>
</div>
<p>memcached calls that failed: {{ERRORS}}; skipped while the breaker was open: {{SKIPPED}}; values too big to cache: {{TOO_BIG}}.</p>
<p>Version numbers (what every host's views are checked against): read {{VERSION_READS}} times, unreadable {{VERSION_UNREADABLE}} and in flight {{VERSION_IN_FLIGHT}} (a write of the page was between its commit and the move of its numbers; all those views came from the database); made again after memcached lost them {{VERSION_SEEDED}}; saves that memcached did not confirm {{VERSION_DOUBTS}} (each advanced the cache epoch, {{EPOCH}} now, and waited for every host to see it).</p>
{{#SHEDDING}}<p class="shedding">This host's CPU was {{BUSY}}% busy at the last sample (every tenth of a second). From {{SHED_AT}}% on, only pages read often fill memcached (<code>--cache-shed-cpu</code>): views of this worker that read the database without filling, which would have filled with CPU to spare: {{SHED_VIEWS}}.</p>{{/SHEDDING}}
{{#FAST_PATH}}
<h2>Fast path: nginx answering anonymous page views from memcached</h2>
{{#SERVING}}<p>Serving: nginx answers anonymous views of the pages below from memcached, without asking wikid.</p>{{/SERVING}}
{{#SUSPENDED}}<p class="notice">Suspended: memcached could not confirm a change, or wikid (re)started, so every view goes to wikid until a worker starts a new, empty generation of entries. This ends by itself once memcached answers.</p>{{/SUSPENDED}}
<p>All workers together, since wikid started.</p>
<div class="table-scroll" role="region" aria-label="Fast path counts" tabindex="0">
<table class="stats">
<tbody>
<tr><th>Views nginx can answer now (entries present)</th><td>{{PRESENT}} of {{POSSIBLE}} pages{{#SAMPLED}} (of the first {{POSSIBLE}}){{/SAMPLED}}{{#UNREACHABLE}} (memcached not answering){{/UNREACHABLE}}</td></tr>
<tr><th>Views nginx missed and passed to wikid</th><td>{{MISSES}}</td></tr>
<tr><th>...of which wikid had in its own cache (hit ratio)</th><td>{{MISS_HITS}} ({{MISS_RATIO}})</td></tr>
<tr><th>Entries wikid filled</th><td>{{FILLS}}</td></tr>
<tr><th>Fills that found the entry there already</th><td>{{ALREADY}}</td></tr>
<tr><th>Fills refused because a save came between</th><td>{{OUTDATED}}</td></tr>
<tr><th>Fills left to another filling the same entry (any host)</th><td>{{MARKED}}</td></tr>
<tr><th>Entries deleted by changes</th><td>{{DELETES}}</td></tr>
<tr><th>Changes that waited for a fill in flight (any host)</th><td>{{MARK_WAITS}}</td></tr>
<tr><th>Suspensions ended</th><td>{{RESTORATIONS}}</td></tr>
</tbody>
</table>
</div>
{{/FAST_PATH}}
<form method="post" action="/_admin/cache/flush">
<input type="hidden" name="csrf" value="{{CSRF_TOKEN}}">
<button type="submit">Empty every memcached server (flush_all)</button>
</form>
</article>
