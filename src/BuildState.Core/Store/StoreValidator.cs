using BuildState.Errors;
using BuildState.Lifecycle;
using BuildState.Model;

namespace BuildState.Store;

/// <summary>What <see cref="StoreValidator"/> checks beyond structure.</summary>
public sealed class ValidationOptions
{
    /// <summary>Also hash every artifact on disk against its record (costs I/O).</summary>
    public bool CheckArtifacts { get; set; }

    /// <summary>Only this build (full id), or every build when null.</summary>
    public string? BuildId { get; set; }
}

/// <summary>One problem found, with the file it is in.</summary>
public sealed record ValidationProblem(StoreErrorKind Kind, string File, string Message, string? BuildId = null)
{
    public override string ToString() => $"{File}: {Message}";
}

/// <summary>The result of a validation.</summary>
public sealed class ValidationReport
{
    public List<ValidationProblem> Problems { get; } = [];

    public int BuildsChecked { get; set; }

    public int FilesChecked { get; set; }

    public long BytesChecked { get; set; }

    /// <summary>Findings that do not make the store invalid (a record written under an earlier version of its lifecycle's table).</summary>
    public List<ValidationProblem> Warnings { get; } = [];

    public bool IsValid => Problems.Count == 0;

    internal void Add(StoreErrorKind kind, string file, string message, string? buildId = null) =>
        Problems.Add(new ValidationProblem(kind, file, message, buildId));

    internal void Warn(string file, string message, string? buildId = null) =>
        Warnings.Add(new ValidationProblem(StoreErrorKind.Validation, file, message, buildId));
}

/// <summary>
/// Checks a whole store without changing it (section 5 of the framework design): structure and
/// schema version of every file, legal phase and transitions for the build's lifecycle, history
/// integrity and agreement with the state, index consistency, checkpoint integrity, artifacts
/// (optional) and dependencies.
/// </summary>
public sealed class StoreValidator(BuildStore store)
{
    private StoreLayout Layout => store.Layout;

    /// <summary>When each lifecycle's table last changed: read once per validation, not once per build.</summary>
    private readonly Dictionary<string, DateTimeOffset?> _tableChangedAt = new(StringComparer.Ordinal);

    public ValidationReport Validate(ValidationOptions? options = null)
    {
        options ??= new ValidationOptions();
        _tableChangedAt.Clear(); // a table may have changed since an earlier call
        var report = new ValidationReport();
        if (!store.Exists)
        {
            report.Add(StoreErrorKind.NotFound, Layout.Root, "there is no store here");
            return report;
        }

        var fs = store.Options.FileSystem;
        var keys = options.BuildId is { } only
            ? [BuildKey.For(only)]
            : fs.EnumerateDirectories(Layout.ActiveDir).Select(d => Path.GetFileName(d)!).ToList();
        var records = new Dictionary<string, BuildRecord>(StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal); // builds in active/, readable or not
        foreach (var key in keys)
        {
            if (!BuildKey.LooksLikeKey(key))
            {
                report.Add(StoreErrorKind.Corruption, Path.Combine(Layout.ActiveDir, key), "a folder in active/ that is not a build key");
                continue;
            }

            folders.Add(key);
            var record = ValidateBuild(key, options, report);
            if (record is not null)
            {
                records[record.Id] = record;
            }

            report.BuildsChecked++;
        }

        if (options.BuildId is null)
        {
            ValidateIndex(records, folders, report);
            ValidateDependencies(records, folders, report);
        }

        return report;
    }

    private BuildRecord? ValidateBuild(string key, ValidationOptions options, ValidationReport report)
    {
        var fs = store.Options.FileSystem;
        var statePath = Layout.StateFile(key);
        var firstProblem = report.Problems.Count;
        BuildRecord? record = null;
        try
        {
            // As every reader does: a link in place of the file (or of a folder above it) is refused, never followed.
            store.GuardNoLinks(statePath);
            var bytes = fs.ReadAllBytes(statePath, StoreLimits.MaxStateFileBytes);
            report.FilesChecked++;
            report.BytesChecked += bytes.Length;
            var version = Migrations.PeekSchemaVersion(bytes, statePath);
            if (version < StoreSchema.Current)
            {
                report.Add(StoreErrorKind.Validation, statePath, $"schema version {version}, not {StoreSchema.Current}; run `buildstate migrate`");
            }

            record = BuildStore.ParseState(bytes, statePath);
            if (BuildKey.For(record.Id) != key)
            {
                report.Add(StoreErrorKind.Corruption, statePath, $"the state of build '{record.Id}' is in the folder of another key");
            }
        }
        catch (BuildStateException e)
        {
            report.Add(e.Kind == StoreErrorKind.NotFound ? StoreErrorKind.Corruption : e.Kind, statePath, e.Message + (BuildStore.IsDamage(e) ? RecoverRebuildsTheState : ""));
        }

        var newest = ValidateHistory(key, record, report, out var historyRefused);
        if (record is null && newest is not null)
        {
            // The state could not be read, its history could: its problems name the build it holds.
            for (var i = firstProblem; i < report.Problems.Count; i++)
            {
                report.Problems[i] = report.Problems[i] with { BuildId = report.Problems[i].BuildId ?? newest.Id };
            }
        }

        if (historyRefused)
        {
            return null; // what the build is now is not known: the index and its dependents are not judged against a guess
        }

        if (record is null)
        {
            // The state is damaged or missing, so recover rebuilds it from the log: the rest of the
            // build (its phases, checkpoints, run) is checked as the log has it, or, when the log holds
            // no state either, its checkpoint files on disk are. Problems are still reported once each,
            // but the index and the build's dependents are not judged against what the build may be.
            if (newest is not null)
            {
                ValidatePhases(newest, Layout.HistoryLog(key), report);
                ValidateBuildAsKnown(key, newest, Layout.HistoryLog(key), options, report);
            }
            else
            {
                ValidateCheckpoints(key, null, CheckpointFilesOnDisk(key), report);
            }

            return null;
        }

        ValidatePhases(record, statePath, report);
        if (newest is not null && newest.Sequence > record.Sequence && newest.Id == record.Id)
        {
            // The snapshot is behind its log, as between snapshots: the build is what the log says.
            record = newest;
            ValidatePhases(record, Layout.HistoryLog(key), report);
        }

        ValidateBuildAsKnown(key, record, statePath, options, report);
        return record;
    }

    /// <summary>
    /// Checks what follows from a build's state, whether read from its state file or (that file
    /// being damaged or missing) from its newest history record, <paramref name="file"/>: its
    /// checkpoints and their copies, its artifacts when asked, and its run.
    /// </summary>
    private void ValidateBuildAsKnown(string key, BuildRecord record, string file, ValidationOptions options, ValidationReport report)
    {
        ValidateCheckpoints(key, record.Id, record.Checkpoints, report);
        foreach (var id in store.UnlistedNewerCheckpointIds(key, record))
        {
            // Not damage: most often a checkpoint whose commit was cut off. Recover keeps it aside.
            report.Warn(Layout.CheckpointFile(key, id), $"checkpoint file not listed by the build's state, and newer than it (sequence {BuildStore.CheckpointSequence(id)}, the state's {record.Sequence}): its commit was cut off, or the state was rebuilt from an older record; `buildstate recover` keeps it, with its artifact copies, in damaged/", record.Id);
        }

        if (options.CheckArtifacts)
        {
            ValidateArtifacts(record, report);
        }

        if (record.Run is { Status: RunStatus.Running, Owner: { } owner } && ProcessLiveness.Check(owner) == Liveness.Dead)
        {
            report.Add(StoreErrorKind.Validation, file, $"run '{record.RunId}' is marked Running but its owner process {owner.ProcessId} is gone; `buildstate recover` marks it Interrupted", record.Id);
        }

        if (record.Run is { } shared && (shared.Instances is not null || shared.InstancesEnded is not null)
            && (shared.Instances is not { } writers || writers < 2 || shared.InstancesEnded is not { } ended || ended < 0 || ended > writers))
        {
            // The store writes both counts or neither, 2 writers or more, and never more ends than writers.
            report.Add(StoreErrorKind.Validation, file, $"run '{record.RunId}' counts {shared.Instances?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} writers of which {shared.InstancesEnded?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no count"} ended, which the store never writes (edited by hand?); the run may never end: start a new run of the build, or restore a checkpoint", record.Id);
        }
    }

    private void ValidatePhases(BuildRecord record, string path, ValidationReport report)
    {
        if (!store.Lifecycles.TryGet(record.Lifecycle, out var table))
        {
            report.Add(StoreErrorKind.Validation, path, $"lifecycle '{record.Lifecycle}' is not known here, so its phases cannot be checked; building the project that declares it copies its table to lifecycles/", record.Id);
            return;
        }

        // A record last written before its table was edited (a phase renamed, a transition taken
        // out) was valid when written: what the current table says of it is a warning, not damage.
        // Its next run follows the current table.
        if (!_tableChangedAt.TryGetValue(table.Name, out var tableChangedAt))
        {
            _tableChangedAt[table.Name] = tableChangedAt = store.LifecycleTableChangedAt(table.Name);
        }

        var writtenUnderEarlierTable = tableChangedAt is { } changedAt && record.UpdatedAt < changedAt;
        void Add(string message)
        {
            if (writtenUnderEarlierTable)
            {
                report.Warn(path, $"{message} (the record was written before the table last changed: it followed the table of its time)", record.Id);
            }
            else
            {
                report.Add(StoreErrorKind.Validation, path, message, record.Id);
            }
        }

        if (!table.Phases.Contains(record.Phase))
        {
            Add($"phase '{record.Phase}' is not a phase of lifecycle '{table.Name}'");
        }

        // With earlier transitions left to history, the chain starts wherever the first kept one does.
        var expected = record.EarlierTransitions > 0 && record.Transitions.Count > 0 ? record.Transitions[0].From : table.Initial;
        foreach (var t in record.Transitions)
        {
            if (t.From != expected)
            {
                report.Add(StoreErrorKind.Validation, path, $"transition {t.From} -> {t.To} at {t.At:O} does not continue from {expected}", record.Id);
            }

            if (!table.CanTransition(t.From, t.To))
            {
                Add($"transition {t.From} -> {t.To} is not allowed by lifecycle '{table.Name}'");
            }

            expected = t.To;
        }

        if (record.Run is not null && record.Transitions.Count > 0 && expected != record.Phase)
        {
            report.Add(StoreErrorKind.Validation, path, $"the phase is {record.Phase} but the transitions end at {expected}", record.Id);
        }

        if (record.Status == RunStatus.Succeeded && !table.Terminal.Contains(record.Phase))
        {
            Add($"status Succeeded in non-terminal phase {record.Phase}");
        }
    }

    /// <summary>
    /// Checks the log and returns the state its newest record holds (null when none).
    /// <paramref name="refused"/>: the log could not be read or is not this version's to read (no
    /// permission, a link, a newer schema), so the build's newest state is unknown.
    /// </summary>
    private BuildRecord? ValidateHistory(string key, BuildRecord? record, ValidationReport report, out bool refused)
    {
        var path = Layout.HistoryLog(key);
        HistoryScan scan;
        refused = false;
        try
        {
            scan = store.ScanHistory(key);
            report.FilesChecked++;
        }
        catch (BuildStateException e)
        {
            report.Add(e.Kind, path, e.Message, record?.Id);
            refused = !BuildStore.IsDamage(e);
            return null;
        }

        report.BytesChecked += scan.ValidEnd;
        if (scan.FirstNewer is { } newer)
        {
            var e = Migrations.NewerSchema(path, newer.SchemaVersion);
            report.Add(e.Kind, path, $"{e.Message} (the record at offset {newer.Offset})", record?.Id);
            refused = true;
            return null; // its records are not this version's to check against the state
        }

        foreach (var problem in scan.Problems)
        {
            report.Add(StoreErrorKind.Corruption, path, (scan.TornTail ? "torn tail: " : "damaged record: ") + problem + (scan.TornTail ? "; `buildstate recover` cuts the log back to its last whole record" : RecoverRepairs), record?.Id);
        }

        long previous = 0;
        foreach (var (entry, _) in scan.Entries)
        {
            if (entry.Sequence <= previous)
            {
                report.Add(StoreErrorKind.Corruption, path, $"history sequence goes from {previous} to {entry.Sequence}{RecoverRepairs}", record?.Id);
            }

            previous = entry.Sequence;
        }

        // The snapshot must be the state of the history record with its sequence (when both have
        // this schema): anything else was edited or damaged after it was written.
        if (record is not null && scan.Entries.FirstOrDefault(e => e.Entry.Sequence == record.Sequence) is { Entry.State: { } logged } match)
        {
            if (!BuildStore.IsCopyOf(record, logged, match.End))
            {
                report.Add(StoreErrorKind.Corruption, Layout.StateFile(key), $"the state differs from history record {record.Sequence}, which it is a copy of; `buildstate recover` rewrites it from history", record.Id);
            }
        }

        // A snapshot behind its log is normal; one ahead of it means committed records were lost.
        if (record is not null && scan.Entries.Count > 0 && scan.Entries[^1].Entry.Sequence < record.Sequence)
        {
            report.Add(StoreErrorKind.Corruption, Layout.StateFile(key), $"the state is at sequence {record.Sequence} but history ends at {scan.Entries[^1].Entry.Sequence}; `buildstate recover` reconciles them", record.Id);
        }

        if (scan.Entries.Count > 0 && scan.Entries[^1].Entry.State is { } newest)
        {
            newest.HistoryBytes = scan.Entries[^1].End;
            return newest;
        }

        return null;
    }

    // What validate adds to a problem so that it says what to do (docs/cli.md, "validate").
    private const string RecoverRebuildsTheState = "; `buildstate recover` rebuilds the state from history or a backup";
    private const string RecoverRepairs = "; `buildstate recover` repairs what it can and reports what was lost";
    private const string RecoverRebuildsTheIndex = "; `buildstate recover` rebuilds the index";
    private const string RebuildOrRestore = "; rebuild the project, or `buildstate verify` names a checkpoint to put it back from";

    /// <summary>What validate adds to a problem that recover answers by dropping the checkpoint (docs/store-format.md, "Recovery").</summary>
    private const string RecoverDropsIt = "; `buildstate recover` drops the checkpoint from the build's list (reported as lost) and keeps its file and artifact copies in damaged/";

    /// <summary>
    /// Checks checkpoint files and their copies. <paramref name="buildId"/>: the build they must
    /// belong to, or null when the build is not known (its state and history both unreadable).
    /// </summary>
    private void ValidateCheckpoints(string key, string? buildId, IEnumerable<CheckpointRef> checkpoints, ValidationReport report)
    {
        foreach (var reference in checkpoints)
        {
            var path = Layout.CheckpointFile(key, reference.Id);
            try
            {
                // The checks restore makes before it writes anything (one place: BuildStore.ReadListedCheckpoint).
                var file = store.ReadListedCheckpoint(key, buildId, reference);
                report.FilesChecked++;
                if (!file.HasArtifactCopies)
                {
                    continue;
                }

                foreach (var artifact in file.Artifacts)
                {
                    var blob = Layout.Blob(key, artifact.Sha256);
                    var state = store.CheckCopy(blob, artifact, out var bytes);
                    report.BytesChecked += bytes?.Length ?? 0;
                    if (state != CopyState.Intact)
                    {
                        report.Add(StoreErrorKind.Corruption, blob, $"the copy of {artifact.Path} for checkpoint {reference.Id} {BuildStore.Describe(state)}{RecoverDropsIt}", buildId);
                    }
                }
            }
            catch (BuildStateException e)
            {
                // Only damage is dropped by recover; a file it may not judge (newer schema, no permission) is left as it is.
                var hint = BuildStore.IsDamage(e) ? RecoverDropsIt : "";
                report.Add(e.Kind == StoreErrorKind.NotFound ? StoreErrorKind.Corruption : e.Kind, path, e.Message + hint, buildId);
            }
        }
    }

    /// <summary>Every checkpoint file in a build's folder, as references (for a build whose state is not known).</summary>
    private IEnumerable<CheckpointRef> CheckpointFilesOnDisk(string key) =>
        store.Options.FileSystem.EnumerateFiles(Layout.CheckpointsDir(key), "*.json")
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Where(BuildStore.IsSafeCheckpointId)
            .Order(StringComparer.Ordinal)
            .Select(id => new CheckpointRef { Id = id })
            .ToList();

    private void ValidateArtifacts(BuildRecord record, ValidationReport report)
    {
        foreach (var artifact in record.Artifacts)
        {
            var full = store.ToFullPath(artifact.Path);
            if (!File.Exists(full))
            {
                report.Add(StoreErrorKind.Validation, full, $"artifact of build '{record.Id}' is missing{RebuildOrRestore}", record.Id);
                continue;
            }

            var actual = ArtifactHasher.HashFile(full);
            report.BytesChecked += new FileInfo(full).Length;
            if (actual != artifact.Sha256)
            {
                report.Add(StoreErrorKind.Validation, full, $"artifact of build '{record.Id}' changed: SHA-256 {actual}, recorded {artifact.Sha256}{RebuildOrRestore}", record.Id);
            }
        }
    }

    /// <summary>
    /// The index against the builds read. <paramref name="folders"/> holds every build key found in
    /// active/: a build whose files could not be read is reported for those files, not again as an
    /// index entry "not in active/".
    /// </summary>
    private void ValidateIndex(Dictionary<string, BuildRecord> records, HashSet<string> folders, ValidationReport report)
    {
        var fs = store.Options.FileSystem;
        var path = Layout.IndexFile;
        if (!fs.FileExists(path) && !fs.FileExists(Layout.IndexJournal))
        {
            if (records.Count > 0)
            {
                report.Add(StoreErrorKind.Corruption, path, "index.json is missing; any command that lists builds rebuilds it");
            }

            return;
        }

        IndexFile index;
        try
        {
            // The snapshot with its journal applied: what every reader of the index sees.
            index = store.ReadIndex();
            report.FilesChecked += (fs.FileExists(path) ? 1 : 0) + (fs.FileExists(Layout.IndexJournal) ? 1 : 0);
        }
        catch (BuildStateException e)
        {
            report.Add(e.Kind, e.FilePath ?? path, e.Message + "; any command that lists builds rebuilds it");
            return;
        }

        var indexed = index.Builds.ToDictionary(b => b.Id, StringComparer.Ordinal);
        foreach (var (id, record) in records)
        {
            if (!indexed.TryGetValue(id, out var entry))
            {
                report.Add(StoreErrorKind.Corruption, path, $"build '{id}' is not in the index{RecoverRebuildsTheIndex}", id);
            }
            else if (entry.Sequence != record.Sequence || entry.Phase != record.Phase || entry.Status != record.Status)
            {
                report.Add(StoreErrorKind.Corruption, path, $"the index entry of '{id}' is stale (sequence {entry.Sequence}, state {record.Sequence}){RecoverRebuildsTheIndex}", id);
            }
        }

        foreach (var (id, _) in indexed.Where(e => !records.ContainsKey(e.Key) && !folders.Contains(e.Value.Key)))
        {
            report.Add(StoreErrorKind.Corruption, path, $"the index lists '{id}', which is not in active/{RecoverRebuildsTheIndex}", id);
        }
    }

    /// <summary>
    /// Dependencies against the builds read; one whose folder is in active/ but unreadable is already
    /// reported for its files, and one that was archived is still in the store (in archived/).
    /// </summary>
    private void ValidateDependencies(Dictionary<string, BuildRecord> records, HashSet<string> folders, ValidationReport report)
    {
        HashSet<string>? archived = null; // read once, and only when a dependency is not active
        foreach (var record in records.Values)
        {
            foreach (var dependency in record.Dependencies)
            {
                if (!records.TryGetValue(dependency, out var target))
                {
                    archived ??= store.ArchivedKeys();
                    if (HasFolder(folders, dependency) || HasFolder(archived, dependency))
                    {
                        continue;
                    }

                    report.Add(StoreErrorKind.Validation, record.Id, $"dependency '{dependency}' is not in the store; build it with BuildState.Sdk too (it may have been pruned, or built with BuildStateEnabled=false)", record.Id);
                }
                else if (record.Status == RunStatus.Succeeded && target.Status is RunStatus.Failed or RunStatus.Interrupted && SucceededAfter(record, target))
                {
                    report.Add(StoreErrorKind.Validation, record.Id, $"the build succeeded but its dependency '{dependency}' is {target.Status}; build '{dependency}' again, then this build", record.Id);
                }
            }
        }
    }

    /// <summary>
    /// True when the build's successful run started after its dependency's failed run had ended: it
    /// succeeded on top of a failure. A dependency that failed later (a red build after a green one:
    /// the dependent was not built again, or a custom lifecycle's run belongs to an earlier build) is
    /// the store telling the truth, not a problem. Without both times, the old rule stands.
    /// </summary>
    private static bool SucceededAfter(BuildRecord record, BuildRecord dependency) =>
        dependency.Run?.EndedAt is not { } failedAt || record.Run?.StartedAt is not { } startedAt || failedAt <= startedAt;

    /// <summary>True when <paramref name="buildId"/>'s key is among <paramref name="folders"/> (an id that could not name one has none).</summary>
    private static bool HasFolder(HashSet<string> folders, string buildId)
    {
        try
        {
            return folders.Contains(BuildKey.For(buildId));
        }
        catch (BuildStateException)
        {
            return false;
        }
    }
}
