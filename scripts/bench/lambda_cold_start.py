"""Time from process start to first answered request of a Lambda binary.

Plays the Lambda Runtime API on 127.0.0.1: the binary asks for the next
invocation, gets one API Gateway (HTTP API) request, answers it, and the
time from spawning the process to receiving that answer is one cold start.

Usage: python lambda_cold_start.py BINARY PATH RUNS   (env passed through)
"""

import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time

binary, path, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])

EVENT = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": path,
    "rawQueryString": "",
    "headers": {"host": "api.example.invalid", "accept": "application/json"},
    "requestContext": {
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": "api.example.invalid",
        "domainPrefix": "api",
        "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1", "userAgent": "bench"},
        "requestId": "bench",
        "routeKey": "$default",
        "stage": "$default",
        "time": "23/Nov/2026:12:00:00 +0000",
        "timeEpoch": 1795000000000,
    },
    "isBase64Encoded": False,
}


class Runtime(http.server.BaseHTTPRequestHandler):
    answered = threading.Event()
    status = None
    served = False

    def log_message(self, *args):
        pass

    def do_GET(self):
        if Runtime.served:
            # One invocation per process: a second poll waits until it is killed.
            time.sleep(60)
        Runtime.served = True
        body = json.dumps(EVENT).encode()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-1")
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 30000))
        self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:ap-southeast-1:000000000000:function:bench")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length) or b"{}")
        Runtime.status = payload.get("statusCode")
        Runtime.answered.set()
        self.send_response(202)
        self.end_headers()


env = dict(os.environ)
env.update({
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_LAMBDA_FUNCTION_VERSION": "1",
    "AWS_LAMBDA_LOG_STREAM_NAME": "bench",
    "AWS_LAMBDA_LOG_GROUP_NAME": "bench",
})

timings = []
for _ in range(runs):
    # A fresh Runtime API per run, so a killed process's last poll cannot
    # take the next run's invocation.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Runtime)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env["AWS_LAMBDA_RUNTIME_API"] = f"127.0.0.1:{server.server_port}"
    Runtime.answered.clear()
    Runtime.served = False
    start = time.perf_counter()
    process = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not Runtime.answered.wait(30):
        process.kill()
        sys.exit(f"{binary} did not answer within 30 s")
    timings.append((time.perf_counter() - start) * 1000)
    process.kill()
    process.wait()
    server.shutdown()
    if Runtime.status != 200:
        sys.exit(f"{binary} answered {Runtime.status}")

timings.sort()
print(f"cold start to first answer, {runs} runs: median {statistics.median(timings):.1f} ms, "
      f"min {timings[0]:.1f} ms, max {timings[-1]:.1f} ms")
