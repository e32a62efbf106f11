package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/ids"
	"github.com/localwatch/localwatch/objstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	raw, err := io.ReadAll(zr)
	require.NoError(t, err)
	return string(raw)
}

func TestExportTaskWritesAWSLayout(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "web-1", "web-2", "db")
	base := e.now() - 10_000
	e.put(t, "app", "web-1", ev(base, "before"), ev(base+1000, "first"), ev(base+2000, "second"), ev(base+5000, "after"))
	e.put(t, "app", "web-2", ev(base+1500, "other stream"))
	e.put(t, "app", "db", ev(base+1500, "not matching the prefix"))

	out, err := e.s.CreateExportTask(ctx, CreateExportTaskInput{TaskName: "t", LogGroupName: "app", LogStreamNamePrefix: "web",
		From: base + 1000, To: base + 2000, Destination: "bucket", DestinationPrefix: "exports"})
	require.NoError(t, err)
	d, err := e.s.DescribeExportTasks(ctx, DescribeExportTasksInput{TaskID: out.TaskID})
	require.NoError(t, err)
	require.Len(t, d.ExportTasks, 1)
	assert.Equal(t, ExportPending, d.ExportTasks[0].Status.Code, "a new task waits for the clock")
	keys, err := e.s.Store().List(ctx, "bucket", "")
	require.NoError(t, err)
	assert.Empty(t, keys)

	e.clk.Advance(time.Second)
	keys, err = e.s.Store().List(ctx, "bucket", "")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"exports/aws-logs-write-test", "exports/" + out.TaskID + "/web-1/000000.gz", "exports/" + out.TaskID + "/web-2/000000.gz"}, keys)
	obj, err := e.s.Store().Get(ctx, "bucket", "exports/"+out.TaskID+"/web-1/000000.gz")
	require.NoError(t, err)
	ts := func(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z") }
	assert.Equal(t, ts(base+1000)+" first\n"+ts(base+2000)+" second\n", gunzip(t, obj.Body), "from and to are inclusive")

	d, err = e.s.DescribeExportTasks(ctx, DescribeExportTasksInput{StatusCode: ExportCompleted})
	require.NoError(t, err)
	require.Len(t, d.ExportTasks, 1)
	task := d.ExportTasks[0]
	assert.Equal(t, "exports", task.DestinationPrefix)
	require.NotNil(t, task.ExecutionInfo.CompletionTime)
	_, err = e.s.CancelExportTask(ctx, CancelExportTaskInput{TaskID: out.TaskID})
	assertCode(t, err, "InvalidOperationException")
}

func TestExportTaskValidationAndOneActiveTask(t *testing.T) {
	e := newEnv(t)
	e.group(t, "app", "s")
	ok := CreateExportTaskInput{LogGroupName: "app", From: 0, To: e.now(), Destination: "bucket"}
	for _, tc := range []struct {
		name string
		mod  func(*CreateExportTaskInput)
		code string
	}{
		{"a missing group is not found", func(in *CreateExportTaskInput) { in.LogGroupName = "missing" }, "ResourceNotFoundException"},
		{"an invalid group name is rejected", func(in *CreateExportTaskInput) { in.LogGroupName = "a b" }, "InvalidParameterException"},
		{"a missing destination is rejected", func(in *CreateExportTaskInput) { in.Destination = "" }, "InvalidParameterException"},
		{"to before from is rejected", func(in *CreateExportTaskInput) { in.From, in.To = 10, 5 }, "InvalidParameterException"},
		{"a negative from is rejected", func(in *CreateExportTaskInput) { in.From = -1 }, "InvalidParameterException"},
		{"a stream prefix with a colon is rejected", func(in *CreateExportTaskInput) { in.LogStreamNamePrefix = "a:b" }, "InvalidParameterException"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok
			tc.mod(&in)
			_, err := e.s.CreateExportTask(ctx, in)
			assertCode(t, err, tc.code)
		})
	}
	first, err := e.s.CreateExportTask(ctx, ok)
	require.NoError(t, err)
	_, err = e.s.CreateExportTask(ctx, ok)
	assertCode(t, err, "LimitExceededException")

	_, err = e.s.CancelExportTask(ctx, CancelExportTaskInput{TaskID: first.TaskID})
	require.NoError(t, err)
	e.clk.Advance(time.Second)
	d, err := e.s.DescribeExportTasks(ctx, DescribeExportTasksInput{TaskID: first.TaskID})
	require.NoError(t, err)
	assert.Equal(t, ExportCancelled, d.ExportTasks[0].Status.Code)
	keys, err := e.s.Store().List(ctx, "bucket", "")
	require.NoError(t, err)
	assert.Empty(t, keys, "a cancelled task writes nothing")
	_, err = e.s.CancelExportTask(ctx, CancelExportTaskInput{TaskID: first.TaskID})
	assertCode(t, err, "InvalidOperationException")
	_, err = e.s.CancelExportTask(ctx, CancelExportTaskInput{TaskID: "nope"})
	assertCode(t, err, "ResourceNotFoundException")

	second, err := e.s.CreateExportTask(ctx, ok)
	require.NoError(t, err, "a cancelled task is no longer active")
	e.clk.Advance(time.Second)
	keys, err = e.s.Store().List(ctx, "bucket", DefaultExportPrefix+"/")
	require.NoError(t, err)
	assert.Contains(t, keys, DefaultExportPrefix+"/aws-logs-write-test", "the default prefix is exportedlogs")
	d, err = e.s.DescribeExportTasks(ctx, DescribeExportTasksInput{})
	require.NoError(t, err)
	require.Len(t, d.ExportTasks, 2)
	assert.Equal(t, second.TaskID, d.ExportTasks[1].TaskID)
	assert.Equal(t, ExportCompleted, d.ExportTasks[1].Status.Code)

	_, err = e.s.DescribeExportTasks(ctx, DescribeExportTasksInput{StatusCode: "DONE"})
	assertCode(t, err, "InvalidParameterException")
}

type failingStore struct{ *objstore.Memory }

func (*failingStore) Put(context.Context, objstore.Object) error { return errors.New("access denied") }

func TestExportTaskFailsWhenTheStoreRefuses(t *testing.T) {
	clk := clock.NewManual(t0)
	s := New(Options{Clock: clk, IDs: ids.New(1), Store: &failingStore{&objstore.Memory{}}})
	t.Cleanup(s.Close)
	_, err := s.CreateLogGroup(ctx, CreateLogGroupInput{LogGroupName: "g"})
	require.NoError(t, err)
	out, err := s.CreateExportTask(ctx, CreateExportTaskInput{LogGroupName: "g", From: 0, To: 1, Destination: "b"})
	require.NoError(t, err)
	clk.Advance(time.Second)
	d, err := s.DescribeExportTasks(ctx, DescribeExportTasksInput{TaskID: out.TaskID})
	require.NoError(t, err)
	assert.Equal(t, ExportTaskStatus{Code: ExportFailed, Message: "access denied"}, *d.ExportTasks[0].Status)
}

func TestExportTaskOperationsAfterClose(t *testing.T) {
	e := newEnv(t)
	e.group(t, "g")
	//nolint:staticcheck // the nil-context contract
	_, err := e.s.DescribeExportTasks(nilCtx, DescribeExportTasksInput{})
	require.NoError(t, err)
	e.s.Close()
	_, err = e.s.CreateExportTask(ctx, CreateExportTaskInput{LogGroupName: "g", To: 1, Destination: "b"})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.DescribeExportTasks(ctx, DescribeExportTasksInput{})
	assertCode(t, err, "ServiceUnavailableException")
	_, err = e.s.CancelExportTask(ctx, CancelExportTaskInput{TaskID: "x"})
	assertCode(t, err, "ServiceUnavailableException")
}
