package analytics

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/sluicehq/sluice/firehose"
)

func TestReferenceTableJoinAndRefresh(t *testing.T) {
	ctx := context.Background()
	objects := MemoryObjects{"arn:aws:s3:::ref": {"companies.csv": []byte("AMZN,Amazon\nMSFT,Microsoft\n")}}
	svc := New(WithClock(newMock()), WithObjects(objects))
	defer svc.Close()
	code := `
		CREATE STREAM "DESTINATION_SQL_STREAM" (ticker VARCHAR(4), company VARCHAR(16), price DOUBLE);
		CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
		SELECT STREAM s.ticker_symbol, c."Company", s.price
		FROM "SOURCE_SQL_STREAM_001" AS s LEFT JOIN "CompanyName" AS c ON s.ticker_symbol = c."Ticker";`
	if _, err := svc.CreateApplication(ctx, CreateApplicationInput{ApplicationName: "r", Inputs: []Input{tickerInput()}}); err != nil {
		t.Fatal(err)
	}
	ref := ReferenceDataSource{TableName: "CompanyName",
		S3ReferenceDataSource: S3ReferenceDataSource{BucketARN: "arn:aws:s3:::ref", FileKey: "companies.csv"},
		ReferenceSchema: SourceSchema{RecordFormat: RecordFormat{RecordFormatType: RecordFormatCSV},
			RecordColumns: []RecordColumn{{Name: "Ticker", SqlType: "VARCHAR(4)"}, {Name: "Company", SqlType: "VARCHAR(16)"}}}}
	if err := svc.AddApplicationReferenceDataSource(ctx, AddApplicationReferenceDataSourceInput{ApplicationName: "r",
		CurrentApplicationVersionId: 1, ReferenceDataSource: ref}); err != nil {
		t.Fatal(err)
	}
	if err := svc.UpdateApplication(ctx, UpdateApplicationInput{ApplicationName: "r", CurrentApplicationVersionId: 2,
		ApplicationUpdate: ApplicationUpdate{ApplicationCodeUpdate: &code}}); err != nil {
		t.Fatal(err)
	}
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "r"})
	det := d.ApplicationDetail
	if err := svc.StartApplication(ctx, StartApplicationInput{ApplicationName: "r", InputConfigurations: []InputConfiguration{{
		Id: det.InputDescriptions[0].InputId, InputStartingPositionConfiguration: InputStartingPositionConfiguration{InputStartingPosition: StartingPositionNow}}}}); err != nil {
		t.Fatal(err)
	}
	app, _ := svc.Application("r")
	r, _ := app.Subscribe("DESTINATION_SQL_STREAM")
	put := func(s string) { _ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(s)}}) }
	read := func() string {
		var out []string
		for {
			row, ok, _ := r.TryNext(ctx)
			if !ok {
				return strings.Join(out, "\n")
			}
			out = append(out, row.String()[26:])
		}
	}
	put(`{"TICKER_SYMBOL":"AMZN","PRICE":1}`)
	put(`{"TICKER_SYMBOL":"QXZ","PRICE":2}`)
	if got := read(); got != "AMZN | Amazon | 1.0\nQXZ | NULL | 2.0" {
		t.Fatalf("joined rows:\n%s", got)
	}
	// The object changes: the table does not, until UpdateApplication.
	objects["arn:aws:s3:::ref"]["companies.csv"] = []byte("AMZN,Amazon.com\nQXZ,Qxz Inc\n")
	put(`{"TICKER_SYMBOL":"QXZ","PRICE":3}`)
	if got := read(); got != "QXZ | NULL | 3.0" {
		t.Fatalf("before update:\n%s", got)
	}
	newRef := S3ReferenceDataSource{BucketARN: "arn:aws:s3:::ref", FileKey: "companies.csv"}
	if err := svc.UpdateApplication(ctx, UpdateApplicationInput{ApplicationName: "r", CurrentApplicationVersionId: 3,
		ApplicationUpdate: ApplicationUpdate{ReferenceDataSourceUpdates: []ReferenceDataSourceUpdate{{
			ReferenceId: det.ReferenceDataSourceDescriptions[0].ReferenceId, S3ReferenceDataSource: &newRef}}}}); err != nil {
		t.Fatal(err)
	}
	put(`{"TICKER_SYMBOL":"QXZ","PRICE":4}`)
	if got := read(); got != "QXZ | Qxz Inc | 4.0" {
		t.Fatalf("after update:\n%s", got)
	}
}

func TestInputPreprocessing(t *testing.T) {
	ctx := context.Background()
	svc := New(WithClock(newMock()))
	defer svc.Close()
	svc.RegisterFunction("arn:pre", func(_ context.Context, ev []byte) ([]byte, error) {
		var pe PreprocessingEvent
		if err := json.Unmarshal(ev, &pe); err != nil {
			return nil, err
		}
		var resp PreprocessingResponse
		for _, r := range pe.Records {
			s := string(r.Data)
			switch {
			case strings.Contains(s, "drop"):
				resp.Records = append(resp.Records, PreprocessingResult{RecordID: r.RecordID, Result: "Dropped"})
			case strings.Contains(s, "fail"):
				resp.Records = append(resp.Records, PreprocessingResult{RecordID: r.RecordID, Result: "ProcessingFailed"})
			default:
				up := strings.ToUpper(s)
				resp.Records = append(resp.Records, PreprocessingResult{RecordID: r.RecordID, Result: "Ok",
					Data: []byte(strings.ReplaceAll(up, `"PRICE":`, `"PRICE":1`))})
			}
		}
		return json.Marshal(resp)
	})
	app := startTicker(t, svc, tickerCode, StartingPositionNow)
	d, _ := svc.DescribeApplication(ctx, DescribeApplicationInput{ApplicationName: "app"})
	errs, _ := app.Subscribe(ErrorStreamName)
	out, _ := app.Subscribe("DESTINATION_SQL_STREAM")
	if err := svc.AddApplicationInputProcessingConfiguration(ctx, AddApplicationInputProcessingConfigurationInput{ApplicationName: "app",
		CurrentApplicationVersionId: d.ApplicationDetail.ApplicationVersionId, InputId: d.ApplicationDetail.InputDescriptions[0].InputId,
		InputProcessingConfiguration: InputProcessingConfiguration{InputLambdaProcessor: &InputLambdaProcessor{ResourceARN: "arn:pre"}}}); err != nil {
		t.Fatal(err)
	}
	_ = app.PutRecords(ctx, PutRecordsInput{Records: [][]byte{[]byte(`{"TICKER_SYMBOL":"amzn","PRICE":5}`),
		[]byte(`{"TICKER_SYMBOL":"drop","PRICE":50}`), []byte(`{"TICKER_SYMBOL":"fail","PRICE":50}`)}})
	row, ok, _ := out.TryNext(ctx)
	if !ok || row.String()[26:] != "AMZN | 15.0" {
		t.Fatalf("row %v %v", row, ok)
	}
	if _, ok, _ := out.TryNext(ctx); ok {
		t.Fatal("a dropped or failed record came through")
	}
	e, ok, _ := errs.TryNext(ctx)
	if !ok || e.Get("ERROR_NAME").String() != errNameProcessing {
		t.Fatalf("error row %v %v", e, ok)
	}
}

func TestFirehoseBucketAsReferenceObjects(t *testing.T) {
	ctx := context.Background()
	fh := firehose.New()
	defer fh.Close()
	if err := fh.Bucket("arn:aws:s3:::ref").PutObject(ctx, "t.csv", []byte("AMZN,Amazon\n")); err != nil {
		t.Fatal(err)
	}
	objs := FirehoseObjects(fh)
	if b, err := objs.GetObject(ctx, "arn:aws:s3:::ref", "t.csv"); err != nil || string(b) != "AMZN,Amazon\n" {
		t.Fatalf("GetObject = %q, %v", b, err)
	}
	if _, err := objs.GetObject(ctx, "arn:aws:s3:::ref", "missing"); !errors.Is(err, ErrResourceNotFoundException) {
		t.Fatalf("missing object: %v", err)
	}
}

func TestTableJoinIndexMatchesScan(t *testing.T) {
	for _, on := range []string{"s.k = r.k", "r.k = s.k AND r.v > 0", "s.k = r.k OR FALSE", "CAST(s.k AS VARCHAR(4)) = r.ks", "s.k = r.ks"} {
		e := newEngine()
		e.addStream(&inStream{name: "SOURCE_SQL_STREAM_001", source: true, wmIdx: -1, cols: []column{{name: "K", typ: tBigint}}})
		e.addStream(&inStream{name: "T", table: true, wmIdx: -1,
			cols: []column{{name: "K", typ: tDouble}, {name: "V", typ: tBigint}, {name: "KS", typ: tVarchar}},
			rows: []row{{vals: []Value{Float(2), Int(20), String("2")}}, {vals: []Value{Float(2), Int(21), String("2")}},
				{vals: []Value{Float(4), Int(40), String("4")}}}})
		if err := compileCode(`
			CREATE STREAM "DESTINATION_SQL_STREAM" (k INTEGER, v INTEGER);
			CREATE PUMP "P" AS INSERT INTO "DESTINATION_SQL_STREAM"
			SELECT STREAM s.k, r.v FROM "SOURCE_SQL_STREAM_001" AS s JOIN "T" AS r ON `+on+`;`, e); err != nil {
			t.Fatalf("%s: %v", on, err)
		}
		var got []string
		e.streams[dest].subs = append(e.streams[dest].subs, func(r row) { got = append(got, fmtRow(r)) })
		src := e.streams["SOURCE_SQL_STREAM_001"]
		for i, k := range []int64{2, 3} {
			e.insert(src, row{rowtime: t0.UnixMilli() + int64(i), vals: []Value{Int(k)}})
		}
		want := "2026-01-02 11:00:00.000 | 2 | 20\n2026-01-02 11:00:00.000 | 2 | 21"
		if strings.Join(got, "\n") != want {
			t.Errorf("ON %s:\n%s\nwant\n%s", on, strings.Join(got, "\n"), want)
		}
	}
}
