package logs

import (
	"bytes"
	"compress/gzip"
	"context"
	"github.com/localwatch/localwatch/internal/awserr"
	"slices"
	"strings"
	"time"

	"github.com/localwatch/localwatch/clock"
	"github.com/localwatch/localwatch/internal/event"
	"github.com/localwatch/localwatch/internal/op"
	"github.com/localwatch/localwatch/objstore"
)

// DefaultExportPrefix is the key prefix of an export task without a
// destinationPrefix ("If you don't specify a value, the default is
// exportedlogs", CreateExportTask).
const DefaultExportPrefix = "exportedlogs"

type exportTask struct {
	desc   ExportTask
	prefix string // logStreamNamePrefix
	timer  clock.Timer
	due    time.Time // when timer runs (checkpoints arm it again then)
}

func (t *exportTask) describe() ExportTask {
	d := t.desc
	st, info := *d.Status, *d.ExecutionInfo
	d.Status, d.ExecutionInfo = &st, &info
	return d
}

func (t *exportTask) active() bool {
	c := t.desc.Status.Code
	return c == ExportPending || c == ExportRunning || c == ExportPendingCancel
}

const msgExportNotFound = "The specified export task does not exist."

// Store returns the object store export tasks write to (Options.Store, or
// the in-memory store the service made).
func (s *Service) Store() objstore.Store { return s.store }

// CreateExportTask starts exporting a log group's events with timestamps from
// From to To (both inclusive, milliseconds), of the streams whose names start
// with LogStreamNamePrefix, to the bucket Destination of the object store.
// As in AWS the task is asynchronous: it is PENDING until the clock next runs
// due work (a manual clock's next Advance), which writes the objects and
// makes it COMPLETED (or FAILED, with the store's error). An account has at
// most one active (PENDING or RUNNING) export task: another is
// LimitExceededException.
//
// The objects follow AWS's layout: an aws-logs-write-test object under the
// prefix (AWS's permission check), then for each stream with events in the
// range <prefix>/<taskId>/<logStreamName>/000000.gz, gzip-compressed lines
// "<ISO 8601 timestamp> <message>" in time order. Unlike AWS, which splits a
// stream's export into several numbered files, one file holds each stream.
func (s *Service) CreateExportTask(ctx context.Context, in CreateExportTaskInput) (*CreateExportTaskOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CreateExportTask", Resources: s.groupResource(in.LogGroupName)}, in, s.createExportTask)
}

func (s *Service) createExportTask(ctx context.Context, c *event.Call, in CreateExportTaskInput) (out *CreateExportTaskOutput, err error) {
	if in.TaskName != "" && len(in.TaskName) > 512 {
		return nil, errConstraint("taskName", in.TaskName, "Member must have length less than or equal to 512")
	}
	if err := validateGroupName("logGroupName", in.LogGroupName); err != nil {
		return nil, err
	}
	if in.LogStreamNamePrefix != "" {
		if err := validateStreamName("logStreamNamePrefix", in.LogStreamNamePrefix); err != nil {
			return nil, err
		}
	}
	if in.From < 0 {
		return nil, errConstraint("from", in.From, "Member must have value greater than or equal to 0")
	}
	if in.To < 0 {
		return nil, errConstraint("to", in.To, "Member must have value greater than or equal to 0")
	}
	if in.To < in.From {
		return nil, errInvalid("The 'to' time %d is earlier than the 'from' time %d.", in.To, in.From)
	}
	if in.Destination == "" {
		return nil, errConstraint("destination", "", "Member must have length greater than or equal to 1")
	}
	if len(in.Destination) > 512 {
		return nil, errConstraint("destination", in.Destination, "Member must have length less than or equal to 512")
	}
	prefix := strings.Trim(in.DestinationPrefix, "/")
	if prefix == "" {
		prefix = DefaultExportPrefix
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	if _, ok := s.groups[in.LogGroupName]; !ok {
		return nil, errGroupNotFound(in.LogGroupName)
	}
	for _, t := range s.exports {
		if t.active() {
			return nil, errLimit("active export tasks per account (1)")
		}
	}
	id := s.ids.UUID()
	t := &exportTask{prefix: in.LogStreamNamePrefix, desc: ExportTask{
		TaskID: id, TaskName: in.TaskName, LogGroupName: in.LogGroupName, From: in.From, To: in.To,
		Destination: in.Destination, DestinationPrefix: prefix,
		Status:        &ExportTaskStatus{Code: ExportPending},
		ExecutionInfo: &ExportTaskExecutionInfo{CreationTime: s.nowMS()},
	}}
	s.exports = append(s.exports, t)
	t.due = s.clock.Now()
	t.timer = clock.AfterFuncNamed(s.clock, exportTimerName(id), 0, func() { s.runExport(t) })
	return &CreateExportTaskOutput{TaskID: id}, nil
}

// exportFile is one object of an export.
type exportFile struct {
	key  string
	body []byte
}

// runExport does a pending task: it reads the events under the lock, writes
// the objects without it, and records the outcome.
func (s *Service) runExport(t *exportTask) {
	files, ok := s.startExport(t)
	if !ok {
		return
	}
	ctx := context.Background()
	var err error
	for _, f := range files {
		if err = s.store.Put(ctx, objstore.Object{Bucket: t.desc.Destination, Key: f.key, Body: f.body}); err != nil {
			break
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowMS()
	t.desc.ExecutionInfo.CompletionTime = &now
	switch {
	case err != nil:
		t.desc.Status = &ExportTaskStatus{Code: ExportFailed, Message: err.Error()}
	case t.desc.Status.Code == ExportPendingCancel:
		t.desc.Status = &ExportTaskStatus{Code: ExportCancelled, Message: "Cancelled by user"}
	default:
		t.desc.Status = &ExportTaskStatus{Code: ExportCompleted, Message: "Completed successfully"}
	}
}

// startExport marks t RUNNING and returns the objects to write; ok is false
// when the task is no longer pending (cancelled) or the service closed.
func (s *Service) startExport(t *exportTask) (files []exportFile, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.op.Closed() || t.desc.Status.Code != ExportPending {
		return nil, false
	}
	t.desc.Status = &ExportTaskStatus{Code: ExportRunning}
	base := t.desc.DestinationPrefix
	files = append(files, exportFile{key: base + "/aws-logs-write-test", body: []byte("Permission Check Successful")})
	g, ok := s.groups[t.desc.LogGroupName]
	if !ok {
		// The group was deleted while the task waited: nothing to export.
		return files, true
	}
	cutoff := retentionCutoff(g, s.nowMS())
	type line struct {
		ts  int64
		msg []byte
	}
	for _, name := range g.streamNames {
		if !strings.HasPrefix(name, t.prefix) {
			continue
		}
		st := g.streams[name]
		var lines []line
		for i := range st.n() {
			ts := st.tsAt(i)
			if ts >= t.desc.From && ts <= t.desc.To && ts >= cutoff {
				lines = append(lines, line{ts, st.msg(i)})
			}
		}
		if len(lines) == 0 {
			continue
		}
		slices.SortStableFunc(lines, func(a, b line) int { return compareInt64(a.ts, b.ts) })
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		for _, l := range lines {
			_, _ = zw.Write([]byte(time.UnixMilli(l.ts).UTC().Format("2006-01-02T15:04:05.000Z")))
			_, _ = zw.Write([]byte{' '})
			_, _ = zw.Write(l.msg)
			_, _ = zw.Write([]byte{'\n'})
		}
		_ = zw.Close()
		files = append(files, exportFile{key: base + "/" + t.desc.TaskID + "/" + name + "/000000.gz", body: buf.Bytes()})
	}
	return files, true
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// DescribeExportTasks lists export tasks in creation order, optionally one
// task or the tasks in one state, at most 50 a page.
func (s *Service) DescribeExportTasks(ctx context.Context, in DescribeExportTasksInput) (*DescribeExportTasksOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "DescribeExportTasks", ReadOnly: true}, in, s.describeExportTasks)
}

func (s *Service) describeExportTasks(ctx context.Context, c *event.Call, in DescribeExportTasksInput) (out *DescribeExportTasksOutput, err error) {
	switch in.StatusCode {
	case "", ExportPending, ExportRunning, ExportCompleted, ExportFailed, ExportCancelled, ExportPendingCancel:
	default:
		return nil, errConstraint("statusCode", in.StatusCode, "Member must satisfy enum value set: [CANCELLED, COMPLETED, FAILED, PENDING, PENDING_CANCEL, RUNNING]")
	}
	if len(in.TaskID) > 512 {
		return nil, errConstraint("taskId", in.TaskID, "Member must have length less than or equal to 512")
	}
	limit, err := limitOf("limit", in.Limit, MaxDescribeLimit, MaxDescribeLimit)
	if err != nil {
		return nil, err
	}
	offset, err := offsetToken(in.NextToken, "x:")
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []ExportTask
	for _, t := range s.exports {
		if (in.TaskID == "" || t.desc.TaskID == in.TaskID) && (in.StatusCode == "" || t.desc.Status.Code == in.StatusCode) {
			all = append(all, t.describe())
		}
	}
	out = &DescribeExportTasksOutput{}
	out.ExportTasks, out.NextToken = page(all, offset, limit, "x:")
	return out, nil
}

// CancelExportTask cancels a PENDING or RUNNING export task; a finished one
// is InvalidOperationException, as in AWS.
func (s *Service) CancelExportTask(ctx context.Context, in CancelExportTaskInput) (*CancelExportTaskOutput, error) {
	return op.Do(ctx, &s.op, event.Call{Name: "CancelExportTask"}, in, s.cancelExportTask)
}

func (s *Service) cancelExportTask(ctx context.Context, c *event.Call, in CancelExportTaskInput) (out *CancelExportTaskOutput, err error) {
	if in.TaskID == "" {
		return nil, errConstraint("taskId", "", "Member must have length greater than or equal to 1")
	}
	if len(in.TaskID) > 512 {
		return nil, errConstraint("taskId", in.TaskID, "Member must have length less than or equal to 512")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.op.CheckOpen(); err != nil {
		return nil, err
	}
	i := slices.IndexFunc(s.exports, func(t *exportTask) bool { return t.desc.TaskID == in.TaskID })
	if i < 0 {
		return nil, awserr.New("ResourceNotFoundException", msgExportNotFound)
	}
	t := s.exports[i]
	switch t.desc.Status.Code {
	case ExportPending:
		t.timer.Stop()
		now := s.nowMS()
		t.desc.ExecutionInfo.CompletionTime = &now
		t.desc.Status = &ExportTaskStatus{Code: ExportCancelled, Message: "Cancelled by user"}
	case ExportRunning:
		t.desc.Status = &ExportTaskStatus{Code: ExportPendingCancel}
	default:
		return nil, awserr.New("InvalidOperationException", "The specified export task has already finished")
	}
	return &CancelExportTaskOutput{}, nil
}

// exportTimerName names a pending export task's timer.
func exportTimerName(id string) string { return "logs export task " + id }
