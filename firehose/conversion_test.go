package firehose_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/sluicehq/sluice/firehose"
)

type parquetClick struct {
	Country *string  `parquet:"country,optional"`
	N       *int64   `parquet:"n,optional"`
	Price   *float64 `parquet:"price,optional"`
	Ok      *bool    `parquet:"ok,optional"`
}

func TestParquetConversion(t *testing.T) {
	run(t, func(e *env) {
		c := s3(128, 60)
		c.ErrorOutputPrefix = "errors/!{firehose:error-output-type}/"
		c.Prefix = "tables/!{timestamp:yyyy}/"
		c.DataFormatConversionConfiguration = &firehose.DataFormatConversionConfiguration{Enabled: true,
			SchemaConfiguration: &firehose.SchemaConfiguration{DatabaseName: "db", TableName: "clicks", Columns: []firehose.Column{
				{Name: "country", Type: "string"}, {Name: "n", Type: "bigint"}, {Name: "price", Type: "double"}, {Name: "ok", Type: "boolean"}}},
			InputFormatConfiguration:  &firehose.InputFormatConfiguration{Deserializer: "OpenXJsonSerDe"},
			OutputFormatConfiguration: &firehose.OutputFormatConfiguration{Serializer: "ParquetSerDe"},
		}
		d := e.createS3("s", c)
		e.put(d, `{"country":"de","n":1,"price":2.5,"ok":true}`, `{"Country":"us","n":"2"}`, `[1,2]`, `{"n":"many"}`)
		e.advance(time.Minute)
		objs := e.bucket().Objects("tables/2026/s-1-")
		if len(objs) != 1 || !strings.HasSuffix(objs[0].Key, ".parquet") {
			t.Fatalf("keys = %v", e.bucket().Keys())
		}
		rows, err := parquet.Read[parquetClick](bytes.NewReader(objs[0].Body), int64(len(objs[0].Body)))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || *rows[0].Country != "de" || *rows[0].N != 1 || *rows[0].Price != 2.5 || !*rows[0].Ok ||
			*rows[1].Country != "us" || *rows[1].N != 2 || rows[1].Price != nil || rows[1].Ok != nil {
			t.Fatalf("rows = %+v", rows)
		}
		m, _ := d.Metrics(e.ctx)
		if m["SucceedConversion.Records"] != 2 || m["FailedConversion.Records"] != 2 {
			t.Errorf("conversion metrics %v / %v", m["SucceedConversion.Records"], m["FailedConversion.Records"])
		}
		e.advance(time.Minute) // failed records are buffered when the conversion runs
		errs := e.bucket().Objects("errors/format-conversion-failed/")
		if len(errs) != 1 {
			t.Fatalf("keys = %v", e.bucket().Keys())
		}
		lines := strings.Split(strings.TrimSpace(string(errs[0].Body)), "\n")
		if len(lines) != 2 {
			t.Fatalf("error lines = %q", lines)
		}
		var line map[string]any
		if err := json.Unmarshal([]byte(lines[0]), &line); err != nil {
			t.Fatal(err)
		}
		table, _ := line["dataCatalogTable"].(map[string]any)
		if line["lastErrorCode"] == nil || table["tableName"] != "clicks" || line["rawData"] != "WzEsMl0=" {
			t.Errorf("error line = %v", line)
		}
	})
}

func TestConversionRules(t *testing.T) {
	run(t, func(e *env) {
		c := s3(64, 60)
		c.CompressionFormat = firehose.GZIP
		c.DataFormatConversionConfiguration = &firehose.DataFormatConversionConfiguration{Enabled: true,
			SchemaConfiguration:       &firehose.SchemaConfiguration{Columns: []firehose.Column{{Name: "a", Type: "string"}}},
			InputFormatConfiguration:  &firehose.InputFormatConfiguration{Deserializer: "OpenXJsonSerDe"},
			OutputFormatConfiguration: &firehose.OutputFormatConfiguration{Serializer: "ParquetSerDe"}}
		_, err := e.svc.CreateDeliveryStream(e.ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "s", ExtendedS3DestinationConfiguration: c})
		wantErr(t, err, firehose.ErrInvalidArgumentException, "CompressionFormat must be UNCOMPRESSED when data format conversion is enabled.")
		c.CompressionFormat = ""
		c.BufferingHints = &firehose.BufferingHints{SizeInMBs: new(5), IntervalInSeconds: new(60)}
		_, err = e.svc.CreateDeliveryStream(e.ctx, firehose.CreateDeliveryStreamInput{DeliveryStreamName: "s", ExtendedS3DestinationConfiguration: c})
		wantErr(t, err, firehose.ErrValidationException, "")
	})
}
