package trail

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"io"
	"io/fs"
	"iter"
	"path"
	"regexp"
	"slices"
	"strings"
)

// LogFile is the content of a CloudTrail log file: {"Records":[...]}.
type LogFile struct {
	Records []*Record `json:"Records"`
}

// ReadLogFile decodes a CloudTrail log file from r: the gzip-compressed
// .json.gz object CloudTrail delivers to S3, or its uncompressed JSON. A
// stream that starts with gzip's magic bytes (1f 8b) is decompressed; any
// other is read as JSON. It reads r to its end and does not close it.
func ReadLogFile(r io.Reader) (*LogFile, error) {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		src = zr
	}
	b, err := io.ReadAll(src)
	if err != nil {
		return nil, err
	}
	var f LogFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// logFileName matches the key of a CloudTrail log file below the bucket root:
// [prefix/]AWSLogs/[o-<org-id>/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/
// <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json[.gz]. The
// submatch "t" is the delivery time in the file name.
var logFileName = regexp.MustCompile(`(?:^|/)AWSLogs/(?:o-[a-z0-9]{10,32}/)?(\d{12})/CloudTrail/([a-z0-9-]+)/\d{4}/\d{2}/\d{2}/(\d{12})_CloudTrail_([a-z0-9-]+)_(?P<t>\d{8}T\d{4}Z)_[A-Za-z0-9]+\.json(?:\.gz)?$`)

// otherFiles matches the folders of CloudTrail's other files beside
// CloudTrail/: CloudTrail-Digest/, CloudTrail-Insight/.
var otherFiles = regexp.MustCompile(`(?:^|/)AWSLogs/(?:o-[a-z0-9]{10,32}/)?\d{12}/CloudTrail-[A-Za-z]+$`)

// LogFiles walks the CloudTrail log files of an S3 bucket's layout in fsys and
// yields their records. fsys is the bucket's root (os.DirFS over a copy made
// with `aws s3 sync s3://bucket dir`, an objstore.Dir's <root>/<bucket>, or a
// testing/fstest.MapFS), and may hold several trails' prefixes, organization
// layers (AWSLogs/o-<org-id>/), accounts and Regions:
//
//	[prefix/]AWSLogs/[o-<org-id>/]<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/
//	    <account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<unique>.json.gz
//
// Files are read in time order: by the delivery time in their names, then by
// path (so Regions and accounts delivered in the same minute come in a fixed
// order); the records of one file in the order the file holds them, which
// CloudTrail does not promise to be time order. Digest files
// (CloudTrail-Digest/), Insights files and anything else not named like a log
// file are skipped; uncompressed .json log files are read too.
//
// LogFiles yields records, not files, because that is what reading a trail
// needs; a caller that needs the file of each record uses [ReadLogFile]
// over its own walk. A file that cannot be read or decoded yields one error,
// a *fs.PathError naming the file, and the walk goes on with the next file if
// the loop continues; an error walking fsys itself is yielded before any
// record. The files are listed once when the iteration starts.
func LogFiles(fsys fs.FS) iter.Seq2[*Record, error] {
	return func(yield func(*Record, error) bool) {
		type logFileRef struct{ t, path string }
		var files []logFileRef
		tIdx := logFileName.SubexpIndex("t")
		err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if otherFiles.MatchString(p) {
					return fs.SkipDir
				}
				return nil
			}
			m := logFileName.FindStringSubmatch(p)
			// The account and Region of the name repeat those of the directories.
			if m == nil || m[1] != m[3] || m[2] != m[4] {
				return nil
			}
			files = append(files, logFileRef{t: m[tIdx], path: p})
			return nil
		})
		if err != nil && !yield(nil, err) {
			return
		}
		slices.SortFunc(files, func(a, b logFileRef) int {
			return cmp.Or(strings.Compare(a.t, b.t), strings.Compare(a.path, b.path))
		})
		for _, f := range files {
			lf, err := readLogFileFS(fsys, f.path)
			if err != nil {
				if !yield(nil, &fs.PathError{Op: "read", Path: f.path, Err: err}) {
					return
				}
				continue
			}
			for _, r := range lf.Records {
				if r != nil && !yield(r, nil) {
					return
				}
			}
		}
	}
}

func readLogFileFS(fsys fs.FS, name string) (*LogFile, error) {
	f, err := fsys.Open(path.Clean(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadLogFile(f)
}
