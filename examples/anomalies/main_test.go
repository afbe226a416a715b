package main

import (
	"strings"
	"testing"
	"testing/synctest"
)

func TestAnalyticsExample(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out strings.Builder
		if err := run(&out, synctest.Wait); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != want {
			t.Errorf("output:\n%s\nwant:\n%s", got, want)
		}
	})
}

const want = `[11:00:00] application arn:aws:kinesisanalytics:us-east-1:123456789012:application/sensors is RUNNING
[11:00:01] put {"device":"d1","temp":20.5}
[11:00:01] put {"device":"d2","temp":18}
[11:00:04] put {"device":"d1","temp":21.5}
[11:00:08] put {"device":"d2","temp":"hot"}
[11:00:08] error_stream: Data_Conversion_Error: column "TEMP": cannot convert 'hot' to DOUBLE
[11:00:12] put {"device":"d1","temp":22}
[11:00:18] put {"device":"d2","temp":19}
[11:00:18] BURSTS: 2026-01-02 11:00:16.000 | d1 | 3 | 22.0
[11:00:18] BURSTS: 2026-01-02 11:00:16.000 | d2 | 1 | 18.0
[11:00:25] put {"device":"d1","temp":35}
[11:00:25] SPIKES: 2026-01-02 11:00:25.000 | d1 | 35.0 | 24.75
[11:00:33] BURSTS: 2026-01-02 11:00:33.000 | d2 | 1 | 19.0
[11:00:40] BURSTS: 2026-01-02 11:00:40.000 | d1 | 1 | 35.0
[11:00:41] BURSTS: 2026-01-02 11:00:41.000 | d3 | 15 | 20.5
[11:00:56] BURSTS: 2026-01-02 11:00:56.000 | d3 | 15 | 20.5
[11:01:01] SPIKES: 2026-01-02 11:01:01.000 | d3 | 31.0 | 20.541666666666668
[11:01:01] ANOMALIES: 2026-01-02 11:01:01.000 | d3 | 31.0 | 2.567729417383017
[11:01:05] put 40 readings of d3
[11:01:15] BURSTS: 2026-01-02 11:01:11.000 | d3 | 10 | 31.0
[11:02:45] s3://sensors/2026/01/02/11/device-averages-1-2026-01-02-11-00-10-d340376d-3a24-47a6-b6fe-e0c42f41fd14:
{"DEVICE":"d1","READINGS":2,"AVG_TEMP":21.0}
{"DEVICE":"d2","READINGS":1,"AVG_TEMP":18.0}
{"DEVICE":"d1","READINGS":1,"AVG_TEMP":22.0}
{"DEVICE":"d2","READINGS":1,"AVG_TEMP":19.0}
{"DEVICE":"d1","READINGS":1,"AVG_TEMP":35.0}
{"DEVICE":"d3","READINGS":4,"AVG_TEMP":20.1875}
{"DEVICE":"d3","READINGS":10,"AVG_TEMP":20.25}
{"DEVICE":"d3","READINGS":10,"AVG_TEMP":20.275}
{"DEVICE":"d3","READINGS":10,"AVG_TEMP":20.225}
[11:02:45] s3://sensors/2026/01/02/11/device-averages-1-2026-01-02-11-01-10-3d834a25-fa88-4f82-a47a-7829203bedec:
{"DEVICE":"d3","READINGS":6,"AVG_TEMP":22.0}
`
