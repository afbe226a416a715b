// Package analytics is Amazon Kinesis Data Analytics for SQL (the v1 API) in
// process: applications whose SQL pumps run continuously over in-application
// streams, with processing-time windows on ROWTIME, Flink-style event-time
// windows with watermarks, and a Go API beside SQL. Everything is driven by
// the injected clock, so the same inputs and the same clock script give
// byte-identical output. AWS retired the SQL service in 2026; sluice keeps
// it alive and deterministic.
//
//	svc := analytics.New(analytics.WithClock(mock))
//	svc.CreateApplication(ctx, analytics.CreateApplicationInput{
//		ApplicationName: "tickers", ApplicationCode: code,
//		Inputs: []analytics.Input{{NamePrefix: "SOURCE_SQL_STREAM", GoInput: &analytics.GoInput{}, InputSchema: schema}}})
//	svc.StartApplication(ctx, analytics.StartApplicationInput{...NOW...})
//	app, _ := svc.Application("tickers")
//	r, _ := app.Subscribe("DESTINATION_SQL_STREAM")
//	app.PutRecords(ctx, analytics.PutRecordsInput{Records: records})
//	mock.Add(time.Minute)            // closes the tumbling window
//	row, _ := r.Next(ctx)            // typed values: row.Get("PRICE").Float64()
//
// # Applications
//
// The control plane follows Kinesis Analytics v1: CreateApplication (READY,
// ApplicationVersionId 1), DescribeApplication, ListApplications,
// UpdateApplication, DeleteApplication, StartApplication (NOW,
// TRIM_HORIZON, LAST_STOPPED_POINT) and StopApplication,
// Add/DeleteApplicationInputProcessingConfiguration, AddApplicationInput,
// Add/DeleteApplicationOutput, Add/DeleteApplicationReferenceDataSource,
// Add/DeleteApplicationCloudWatchLoggingOption (recorded, not written to),
// DiscoverInputSchema and the tagging operations. Every configuration
// change needs the current ApplicationVersionId and bumps it (else
// ErrConcurrentModificationException). Statuses move READY -> STARTING ->
// RUNNING -> STOPPING -> READY (and UPDATING, DELETING) on the clock; with
// [WithTransitionDelay] 0, the default, within the call. Limits: code
// 102,400 characters, one streaming input, InputParallelism 1 to 64 (streams
// NamePrefix_001 to _064), three outputs, one reference source, 50 tags.
//
// An input maps records to columns with a JSON mapping (a JSONPath subset:
// $.a.b, ['a'], [n], and [0:], which flattens an array into one row per
// element with the other columns repeated, or maps the whole array as text
// when it ends the path; an empty array gives one all-NULL row) or a CSV
// mapping (positional, custom row and column delimiters), with the
// documented coercions: JSON null is NULL, booleans are 1/0 as numbers,
// numbers become text, strings parse as numbers (or the row goes to
// error_stream), BOOLEAN is true iff "true", over-long strings are
// truncated silently. Each row of the source streams carries ROWTIME (the
// clock when the application read it, never decreasing) and the hidden
// column APPROXIMATE_ARRIVAL_TIME. An input's pre-processing function
// follows the Lambda contract ([PreprocessingEvent]): Ok rows enter,
// Dropped ones vanish, ProcessingFailed ones become error_stream rows.
//
// Outputs bind an in-application stream, by exact name, to a Kinesis
// stream ([Service.RegisterStream]), a Firehose delivery stream
// ([Service.RegisterDeliveryStream]), any [Destination], or a Go
// [Function] with the Lambda output contract, as JSON objects or CSV lines.
// A failed delivery is retried after the retry interval until accepted.
// [Application.Subscribe] reads any in-application stream, error_stream
// included, as typed [Row]s.
//
// # The Go API
//
// [Service.Open] creates and starts an application on one input;
// [Application.AddQuery] registers a [Query] (From, Where, Select, GroupBy,
// Having, and a [Tumbling], [Sliding] or [Stagger] window on ROWTIME, or an
// [EventTumbling], [EventHopping] or [EventSession] window on an event-time
// column with a watermark delay) built from
// [Col], [Lit], [Call], [Count], [Avg] and the operator functions, and
// returns a [Reader] of its typed rows. Queries and SQL pumps share the
// same engine.
//
// # The SQL dialect
//
// Statements: CREATE [OR REPLACE] STREAM name (col TYPE [NOT NULL], ...
// [, WATERMARK FOR col AS col - INTERVAL 'n' unit]); CREATE [OR REPLACE]
// PUMP name AS INSERT INTO stream [(cols)] query; CREATE [OR REPLACE] VIEW
// name AS query; a bare INSERT INTO ... runs as an unnamed pump. Queries:
// SELECT STREAM [DISTINCT] items FROM source [WHERE] [GROUP BY | WINDOWED BY
// STAGGER (PARTITION BY ... RANGE INTERVAL ...)] [HAVING] [WINDOW name AS
// (...), ...] [ORDER BY monotonic, ...], joined with UNION ALL. Sources:
// streams, views, subqueries, stream-stream [INNER] JOIN, LEFT, RIGHT and
// FULL OUTER JOIN and CROSS JOIN with OVER (RANGE INTERVAL ... PRECEDING |
// ROWS n PRECEDING) windows (a side without a window joins with its
// current row only; at least one side needs a window), stream-table joins
// (inner and LEFT) with a reference table, and the table functions TUMBLE, HOP, CUMULATE and
// SESSION (event time), TOP_K_ITEMS_TUMBLING and
// COUNT_DISTINCT_ITEMS_TUMBLING. Expressions: arithmetic, ||, comparisons,
// AND/OR/NOT, IS [NOT] NULL, [NOT] IN, BETWEEN, [NOT] LIKE [ESCAPE],
// SIMILAR TO, CASE, CAST, INTERVAL/TIMESTAMP/DATE/TIME literals, U&'...'
// unicode strings, X'..' binary, quoted and unicode identifiers (unquoted
// ones are upper-cased).
//
// Functions: aggregates COUNT, SUM, AVG, MIN, MAX, FIRST_VALUE, LAST_VALUE
// (IGNORE NULLS), STDDEV_POP/SAMP, VAR_POP/SAMP, ANY/SOME, EVERY, EXP_AVG,
// COUNT(DISTINCT); window functions LAG and NTH_VALUE; scalar ABS, CEIL,
// FLOOR (also TO a time unit), EXP, LN, LOG10, MOD, POWER, SQRT, STEP,
// COALESCE, NULLIF, MONOTONIC, CHAR_LENGTH, INITCAP, LOWER, UPPER, OVERLAY,
// POSITION, SUBSTRING (positions and regex), TRIM, REGEX_REPLACE,
// CURRENT_ROW_TIMESTAMP, CURRENT_TIMESTAMP/DATE/TIME, LOCALTIME(STAMP),
// EXTRACT, TSDIFF, TO_TIMESTAMP, UNIX_TIMESTAMP, CHAR_TO_TIMESTAMP/DATE/TIME
// and TIMESTAMP/DATE/TIME_TO_CHAR (Java SimpleDateFormat patterns); the
// log parsers REGEX_LOG_PARSE, FAST_REGEX_LOG_PARSE, SYS_LOG_PARSE,
// VARIABLE_COLUMN_LOG_PARSE, FIXED_COLUMN_LOG_PARSE and W3C_LOG_PARSE,
// which return a row read as t.r.COLUMN1; the table functions
// RANDOM_CUT_FOREST (ANOMALY_SCORE), RANDOM_CUT_FOREST_WITH_EXPLANATION
// (ANOMALY_EXPLANATION), HOTSPOTS (HOTSPOTS_RESULT) and GROUP_RANK.
//
// # Windows and time
//
//   - GROUP BY must include a monotonic ROWTIME expression (STEP(ROWTIME BY
//     INTERVAL ...), FLOOR(ROWTIME TO unit), or MONOTONIC(...)); code
//     without one is rejected. A group is emitted when its window closes,
//     either because a row of a later window arrives or because the clock
//     passes the window end, with ROWTIME = window end; empty windows emit
//     nothing.
//   - An OVER window (RANGE INTERVAL ... PRECEDING, lower bound inclusive,
//     or ROWS n PRECEDING, with PARTITION BY) gives one output per input
//     row, none when rows merely expire.
//   - WINDOWED BY STAGGER opens a window per partition key at its first
//     row and emits it RANGE later with ROWTIME = window close.
//   - Event time: TUMBLE(TABLE s, DESCRIPTOR(ts), size [, offset]),
//     HOP(..., slide, size), CUMULATE(..., step, max) and SESSION(TABLE s
//     PARTITION BY k, DESCRIPTOR(ts), gap) over a column with a WATERMARK
//     add window_start, window_end and window_time (end - 1 ms). The
//     watermark is the largest event time seen minus the delay; a window
//     fires when the watermark reaches end - 1 ms; a row whose windows have
//     all fired goes to error_stream as Late_Row. Windows of one firing are
//     emitted by window end, start, then key, so results do not depend on
//     arrival order within the delay. DESCRIPTOR(ROWTIME) gives processing
//     time windows that also close on the clock.
//   - ORDER BY must lead with a monotonic expression; rows sharing its value
//     are sorted and released together.
//   - Unqualified ROWTIME in a select list is the ROWTIME of the row being
//     generated (a window's end for an aggregate); s.ROWTIME is the input
//     row's (the group's first row's for an aggregate). A pump's output
//     column named ROWTIME (SELECT STREAM event_time AS ROWTIME, ...)
//     re-stamps the rows; one going backwards lands in error_stream.
//
// Runtime errors (coercions, division by zero, a ROWTIME going backwards,
// NOT NULL violations, late rows, failed pre-processing) become rows of
// error_stream (ERROR_TIME, ERROR_LEVEL, ERROR_NAME, MESSAGE, DATA_ROWTIME,
// DATA_ROW as hex, PUMP_NAME) and the application keeps running.
//
// Time is read only from the injected clock. Each application keeps one
// clock timer, armed for the earliest of its window ends, status
// transition and delivery retry; every operation (and every Reader read)
// first catches up with the clock.
//
// # Files
//
//   - lexer.go, parser.go, ast.go: tokens, the recursive-descent parser,
//     the syntax tree; errors are CodeValidationException with line and
//     column.
//   - value.go, coerce.go: SQL values and types, CAST and input coercions.
//   - expr.go, functions.go, agg.go: expression compilation, the scalar
//     catalogue, aggregate accumulators.
//   - compile.go, engine.go: statements into streams and pumps, the
//     in-application streams and error_stream.
//   - window.go, join.go, tvf.go: tumbling, stagger, sliding and ORDER BY;
//     joins; window table functions and the *_ITEMS_TUMBLING functions.
//   - mapping.go, discover.go: JSON and CSV input mapping, DiscoverInputSchema.
//   - service.go, application.go, types.go, runtime.go, logging.go: the
//     control plane, ingestion, outputs, readers and the timer.
//   - logparse.go: the log-parsing functions. rcf.go: RANDOM_CUT_FOREST
//     and HOTSPOTS. grouprank.go: GROUP_RANK.
//   - query.go: the Go API. adapters.go: stream and firehose destinations.
//     kinesis.go: Kinesis stream inputs. firehose_input.go: delivery
//     stream inputs.
//
// # Differences from Kinesis Data Analytics
//
//   - A Kinesis stream input ([WithStreams]) is read with
//     stream.Service.ReadShard, pushed by the stream and registering no
//     consumer (AWS's reader is invisible too); LAST_STOPPED_POINT
//     resumes after the last record read per shard, or at LATEST when
//     nothing was read. A Firehose delivery stream input ([WithFirehose])
//     gets every record the delivery stream accepts while the application
//     runs (firehose.DeliveryStream.Tap); every starting position reads
//     from NOW, as a delivery stream keeps nothing to re-read.
//   - RANDOM_CUT_FOREST scores with a seeded forest of isolation trees over
//     time-decayed reservoir samples (score ~1 for ordinary rows, larger for
//     outliers, 0 until the model has data); the numbers are not AWS's.
//     RANDOM_CUT_FOREST_WITH_EXPLANATION attributes the score to columns by
//     the share of isolating cuts made on each; its STRENGTH is the distance
//     from the sample mean in standard deviations. HOTSPOTS reports groups of at
//     least the minimum number of points connected within scanRadius among
//     the last windowSize rows, with density as the share of the window.
//   - W3C_LOG_PARSE knows the predefined formats (COMMON, COMMON WITH
//     VHOST, NCSA EXTENDED, REFERER, AGENT), not custom Apache formats; its
//     columns are COLUMN1..n as text.
//   - DECIMAL is held as a float64 rounded to its scale; AVG of integers is
//     an integer (truncated), as in SQLstream.
//   - Regular expressions use Go's RE2 syntax, close to but not identical
//     with Java's.
//   - ERROR_NAME values are sluice's own (Data_Conversion_Error,
//     Division_By_Zero, Rowtime_Out_Of_Order, Late_Row, ...); AWS does not
//     document its list.
//   - Code is validated at CreateApplication and UpdateApplication against
//     the configured input schema (parsed only when no input exists yet).
//   - Join windows are PRECEDING only (no FOLLOWING); a joined row takes the
//     ROWTIME of the row whose arrival produced it.
//   - Rows released together by ORDER BY all take the latest ROWTIME among
//     them, so the output stays in ROWTIME order.
//   - Kinesis Processing Units, throughput limits and the 512 KB row limit
//     are not modelled; applications process rows as fast as they come.
//   - MIN, MAX and the other non-invertible aggregates of a sliding window
//     rescan the window per row; COUNT, SUM, AVG and the variances are
//     incremental. RANGE partitions whose rows have all expired are swept
//     every 4,096 rows.
//
// # Concurrency
//
// A Service and its Applications are safe for concurrent use. Locks are
// taken in the order Service -> Application ingestion -> Application
// state; user functions and destinations are called with no application
// state lock held, one delivery at a time per application, so outputs keep
// their order.
package analytics
