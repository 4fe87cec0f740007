#!/usr/bin/env node
// The built-in workload's job (docs/workload.md) done in Node with the real OpenTelemetry JS SDK:
// N file creations across C concurrent tasks, one root span with S span events, exported over
// OTLP/HTTP JSON by a BatchSpanProcessor and flushed before exit.
//
//   examples/otel-node/workload.js --kernel-events N --concurrency C --payload BYTES --work-dir D
//                                  [--span-events S]
//
// Configured as any OpenTelemetry program is, through the environment: the exporter's endpoint
// (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT), the resource attributes
// (OTEL_RESOURCE_ATTRIBUTES, read by the SDK's env detector) and the span event limit
// (OTEL_SPAN_EVENT_COUNT_LIMIT, read by the SDK). With OTEL_SDK_DISABLED=true no OpenTelemetry
// module is even loaded: the same file work, nothing else (the `bare` arms).
//
// Prints the built-in's self-report line (schemas/workload-report.schema.json) on stdout. Exit
// codes as the built-in's: 0 done (and exported), 1 a file operation or the export failed, 2 usage.
'use strict';

const fs = require('fs');
const path = require('path');

const USAGE =
  'usage: workload.js --kernel-events N --concurrency C --payload BYTES --work-dir D ' +
  '[--span-events S]';

function usage(message) {
  process.stderr.write(`workload.js: ${message}\n${USAGE}\n`);
  process.exit(2);
}

// A non-negative integer option; the same ranges the built-in accepts.
function count(name, text, max) {
  if (!/^[0-9]+$/.test(text ?? '')) usage(`${name} needs a non-negative integer, not '${text}'`);
  const n = Number(text);
  if (n > max) usage(`${name} ${n} is more than ${max}`);
  return n;
}

function parseArgs(argv) {
  const opt = { kernelEvents: 0, concurrency: 1, payload: 0, workDir: null, spanEvents: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--kernel-events': opt.kernelEvents = count('--kernel-events', value, 2 ** 40); break;
      case '--concurrency': opt.concurrency = count('--concurrency', value, 4096); break;
      case '--payload': opt.payload = count('--payload', value, 2 ** 30); break;
      case '--span-events': opt.spanEvents = count('--span-events', value, 2 ** 40); break;
      case '--work-dir':
        if (!value) usage('--work-dir needs a directory');
        opt.workDir = value;
        break;
      default: usage(`unknown option '${argv[i]}'`);
    }
  }
  if (opt.workDir === null) usage('--work-dir is required');
  if (opt.concurrency < 1) usage('--concurrency must be at least 1');
  return opt;
}

// OTEL_SDK_DISABLED as the OpenTelemetry configuration spec reads a boolean: only "true"
// (case-insensitive) is true.
function sdkDisabled() {
  return (process.env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true';
}

// The span event limit the SDK applies, read from the environment the way its config does (a
// number, else its default 128), for the self-report only: the receiver counts what arrived.
function eventLimit() {
  const text = (process.env.OTEL_SPAN_EVENT_COUNT_LIMIT ?? '').trim();
  const n = text === '' ? NaN : Number(text);
  return Number.isInteger(n) && n >= 0 ? n : 128;
}

// BasicTracerProvider + BatchSpanProcessor + OTLPTraceExporter (http/json), everything from the
// environment. The exporter is wrapped only to learn whether the export succeeded: the SDK's
// shutdown resolves either way.
function startSdk() {
  const api = require('@opentelemetry/api');
  const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
  const { detectResources, envDetector, resourceFromAttributes } = require('@opentelemetry/resources');

  api.diag.setLogger(new api.DiagConsoleLogger(), api.DiagLogLevel.ERROR);
  const exporter = new OTLPTraceExporter();
  const outcome = { exports: 0, error: null };
  const checked = {
    export(spans, done) {
      exporter.export(spans, (result) => {
        outcome.exports++;
        if (result.code !== 0 && !outcome.error)
          outcome.error = result.error ?? new Error('export failed');
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  const resource = resourceFromAttributes({ 'service.name': 'tare-otel-node' })
    .merge(detectResources({ detectors: [envDetector] }));
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(checked)],
  });
  return { provider, tracer: provider.getTracer('tare-otel-node'), outcome };
}

// One file creation: exactly one openat (O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC, 0644), one write of
// the payload when there is one, one close, as the built-in does. fs's callback API runs them on
// libuv's thread pool, so C tasks make C system calls at a time.
function createFile(file, payload) {
  return new Promise((resolve, reject) => {
    fs.open(file, 'w', 0o644, (err, fd) => {
      if (err) return reject(Object.assign(err, { op: 'openat' }));
      const close = (first) =>
        fs.close(fd, (closeErr) => {
          if (first || closeErr) reject(first ?? Object.assign(closeErr, { op: 'close' }));
          else resolve();
        });
      if (payload.length === 0) return close(null);
      writeAll(fd, payload, 0, (writeErr) => close(writeErr && Object.assign(writeErr, { op: 'write' })));
    });
  });
}

function writeAll(fd, buf, off, done) {
  fs.write(fd, buf, off, buf.length - off, null, (err, n) => {
    if (err) return done(err);
    if (off + n < buf.length) return writeAll(fd, buf, off + n, done);
    done(null);
  });
}

// Nearest rank: the value of rank ceil(q·n), as the built-in reports its quantiles.
function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return Number(sorted[rank - 1]);
}

async function main() {
  const opt = parseArgs(process.argv.slice(2));
  // libuv's pool has 4 threads unless told before its first use: C tasks need C threads
  if (opt.concurrency > 4 && !process.env.UV_THREADPOOL_SIZE)
    process.env.UV_THREADPOOL_SIZE = String(Math.min(opt.concurrency, 1024));
  const sdk = sdkDisabled() ? null : startSdk();
  if (!sdk && opt.spanEvents > 0) usage('--span-events needs the SDK (OTEL_SDK_DISABLED is true)');

  // directories before the start: mkdir is not openat, so nothing here is a counted event
  const dirs = [];
  for (let w = 0; w < opt.concurrency; w++) {
    dirs.push(path.join(opt.workDir, 'sweep', `worker-${w}`));
    fs.mkdirSync(dirs[w], { recursive: true });
  }
  const payload = Buffer.alloc(opt.payload, 'x');
  const ops = Math.max(opt.kernelEvents, sdk ? opt.spanEvents : 0);
  const latency = new BigUint64Array(ops);
  let done = 0;
  const failures = [];

  const span = sdk
    ? sdk.tracer.startSpan('workload', {
        attributes: {
          'tare.kernel_events': opt.kernelEvents,
          'tare.span_events': opt.spanEvents,
          'tare.concurrency': opt.concurrency,
        },
      })
    : null;

  // operation i goes to task i % C, as the built-in's workers take them
  async function task(w) {
    for (let i = w; i < ops; i += opt.concurrency) {
      const from = process.hrtime.bigint();
      if (i < opt.kernelEvents) {
        try {
          await createFile(`${dirs[w]}/event-${i}`, payload);
          done++;
        } catch (err) {
          failures.push({ i, w, err });
        }
      }
      if (span && i < opt.spanEvents) span.addEvent('event', { 'event.index': i });
      latency[i] = process.hrtime.bigint() - from;
    }
  }
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: opt.concurrency }, (_, w) => task(w)));
  const elapsed = process.hrtime.bigint() - start;

  let exitCode = failures.length > 0 ? 1 : 0;
  for (const f of failures.slice(0, 8))
    process.stderr.write(
      `workload.js: task ${f.w}: '${dirs[f.w]}/event-${f.i}': ${f.err.op}: ${f.err.message}\n`);
  let spanEvents = null;
  if (sdk) {
    span.end();
    spanEvents = {
      added: opt.spanEvents,
      retained: span.events.length,
      dropped: span.droppedEventsCount,
      limit: eventLimit(),
    };
    try {
      await sdk.provider.shutdown(); // flushes the batch processor: the export happens here
    } catch (err) {
      sdk.outcome.error ??= err;
    }
    if (sdk.outcome.error || sdk.outcome.exports === 0) {
      const why = sdk.outcome.error ? sdk.outcome.error.message : 'nothing was exported';
      process.stderr.write(`workload.js: export failed: ${why}\n`);
      exitCode = 1;
    }
  }

  latency.sort();
  const report = {
    schema: 'tare.workload-report.v1',
    kernel_events: { requested: opt.kernelEvents, done, failed: failures.length },
    span_events: spanEvents,
    concurrency: opt.concurrency,
    payload_bytes: opt.payload,
    elapsed_ns: Number(elapsed),
    latency_ns: {
      p50: quantile(latency, 0.5),
      p90: quantile(latency, 0.9),
      p99: quantile(latency, 0.99),
      p99_9: quantile(latency, 0.999),
      p99_99: quantile(latency, 0.9999),
      max: quantile(latency, 1),
      count: ops,
    },
    rate: null,
    extra_ns_per_event: 0,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.exitCode = exitCode;
}

main().catch((err) => {
  process.stderr.write(`workload.js: ${err.stack ?? err}\n`);
  process.exitCode = 1;
});
