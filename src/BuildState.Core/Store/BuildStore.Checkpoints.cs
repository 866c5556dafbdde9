using System.Globalization;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Serialization;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Takes a checkpoint: a snapshot of the state plus the artifact manifest (re-hashed where size or
    /// time changed), optionally with content-addressed copies of the artifact files (stored once per
    /// distinct hash). The oldest checkpoints beyond <see cref="StoreOptions.MaxCheckpoints"/> are
    /// rotated out and blobs no checkpoint needs any more are removed. Durable under Normal.
    /// </summary>
    public CheckpointRef CreateCheckpoint(string buildId, string? name = null, bool copyArtifacts = false, bool automatic = false) =>
        CreateCheckpoint(buildId, name, copyArtifacts, automatic, out _);

    /// <summary>
    /// Takes a checkpoint as <see cref="CreateCheckpoint(string, string?, bool, bool)"/> does, and says
    /// where it holds the artifacts otherwise than the build recorded them (<paramref name="drift"/>):
    /// files changed on disk since (held as they are now) and, without copies, files that are gone
    /// (listed as recorded). With copies a missing file is an error: the checkpoint could not put it back.
    /// </summary>
    public CheckpointRef CreateCheckpoint(string buildId, string? name, bool copyArtifacts, bool automatic, out ArtifactDrift drift)
    {
        if (name is not null && (name.Length == 0 || name.Length > 200 || name.Any(char.IsControl)))
        {
            throw new BuildStateException(StoreErrorKind.Validation, "a checkpoint name must be 1 to 200 printable characters");
        }

        var key = BuildKey.For(buildId);
        CheckpointRef? created = null;
        var found = ArtifactDrift.None;
        Mutate(buildId, "checkpoint", existing =>
        {
            var record = existing ?? throw BuildStateException.NotFound($"no build '{buildId}' in the store", Layout.Root);
            (created, var rotated, _, found) = TakeCheckpoint(key, record, name, copyArtifacts, automatic);
            var entry = new HistoryEntry { Kind = HistoryKinds.Checkpoint, Message = $"checkpoint {created.Id}{(name is null ? "" : $" ({name})")}" };
            return new Change(record, entry, DurableNow: true) { AfterCommit = rotated ? () => DeleteUnreferencedCheckpointFiles(key, record) : null };
        });
        drift = found;
        return created!;
    }

    /// <summary>
    /// Writes a checkpoint file of <paramref name="record"/> as it is now (with artifact copies when
    /// asked) and lists it in the record, rotating the oldest out of the list. The caller commits the
    /// record; files of rotated checkpoints are deleted only after that commit (a crash in between
    /// leaves unreferenced files, which recover removes). Returns the checkpoint, whether any rotated
    /// out, and whether it was taken: an automatic checkpoint that would hold the same files as the
    /// newest automatic one of its name, at the same phase, is not taken again and that one is
    /// returned (so no-op builds do not rotate out the checkpoints of real changes).
    /// </summary>
    private CheckpointTaken TakeCheckpoint(string key, BuildRecord record, string? name, bool copyArtifacts, bool automatic)
    {
        var now = Now;
        var previous = record.Artifacts.ToDictionary(a => a.Path, StringComparer.Ordinal);
        // Artifacts are the user's files, read from the disk itself (as hashing and verify read them), not through the store's file system.
        var missing = record.Artifacts.Where(a => !File.Exists(ToFullPath(a.Path))).Select(a => a.Path).ToList();
        if (copyArtifacts && missing.Count > 0)
        {
            throw BuildStateException.NotFound(MissingForCopies(missing, record.Artifacts.Count), ToFullPath(missing[0]));
        }

        var manifest = record.Artifacts
            .Select(a => missing.Contains(a.Path) ? a : SafeRehash(a, previous))
            .ToList();
        var changed = manifest.Where(a => previous[a.Path].Sha256 != a.Sha256).Select(a => a.Path).ToList();
        var drift = changed.Count + missing.Count == 0 ? ArtifactDrift.None : new ArtifactDrift(changed, missing);
        if (copyArtifacts)
        {
            manifest.ForEach(a => a.Mode = ArtifactModes.Read(ToFullPath(a.Path)));
        }

        var digest = ManifestDigest(manifest, copyArtifacts);
        if (automatic && SameAsNewest(key, record.Checkpoints, name, record.Phase, digest) is { } same)
        {
            return new(same, false, false, drift);
        }

        CreateDirectoryDurably(Layout.CheckpointsDir(key));
        if (copyArtifacts)
        {
            StoreBlobs(key, manifest);
        }

        var created = WriteCheckpoint(key, record, new CheckpointFile
        {
            Name = name,
            BuildId = record.Id,
            Phase = record.Phase,
            CreatedAt = now,
            Automatic = automatic,
            HasArtifactCopies = copyArtifacts,
            Artifacts = manifest,
            State = record.Clone(),
        }, digest);
        record.Checkpoints.Add(created);
        return new(created, Rotate(record).Count > 0, true, drift);
    }

    /// <summary>
    /// Writes <paramref name="file"/> under a new id (its time and the sequence of the commit that
    /// will list it, the one <paramref name="record"/> is about to make) and returns the reference the
    /// record lists it by. The caller adds the reference and commits.
    /// </summary>
    private CheckpointRef WriteCheckpoint(string key, BuildRecord record, CheckpointFile file, string digest)
    {
        file.Id = CompactTime.Format(file.CreatedAt, milliseconds: true) + "-" + (record.Sequence + 1).ToString("D6", CultureInfo.InvariantCulture);
        var path = Layout.CheckpointFile(key, file.Id);
        WriteAtomic(path, StoreJson.Serialize(file), sync: SyncNow(path));
        return new CheckpointRef { Id = file.Id, Name = file.Name, Phase = file.Phase, CreatedAt = file.CreatedAt, HasArtifactCopies = file.HasArtifactCopies, Automatic = file.Automatic, ArtifactsSha256 = digest };
    }

    /// <summary>
    /// The newest of <paramref name="checkpoints"/> named <paramref name="name"/> at <paramref name="phase"/>,
    /// when it is automatic, holds the files <paramref name="digest"/> stands for, and its file is still there.
    /// Per phase, so that one name taken at two phases in turn (runs that alternate) is not taken
    /// anew each time and does not rotate out older checkpoints.
    /// </summary>
    private CheckpointRef? SameAsNewest(string key, IEnumerable<CheckpointRef> checkpoints, string? name, string phase, string digest)
    {
        var newest = checkpoints.LastOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal) && c.Phase == phase);
        return newest is { Automatic: true } && newest.ArtifactsSha256 == digest
            && _fs.FileExists(Layout.CheckpointFile(key, newest.Id))
            ? newest
            : null;
    }

    /// <summary>See <see cref="CheckpointRef.ArtifactsSha256"/>: path, size, SHA-256, kind (and mode, when recorded) of each artifact in order, and the copies flag.</summary>
    internal static string ManifestDigest(IReadOnlyList<ArtifactRecord> manifest, bool copies)
    {
        var text = new System.Text.StringBuilder(copies ? "copies\n" : "no copies\n");
        foreach (var artifact in manifest)
        {
            text.Append(artifact.Path).Append('\0').Append(artifact.Size.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\0').Append(artifact.Sha256).Append('\0').Append(artifact.Kind);
            if (artifact.Mode is { } mode)
            {
                text.Append('\0').Append("mode ").Append(mode); // only when there is one: a list without modes keeps the digest it always had
            }

            text.Append('\n');
        }

        return Convert.ToHexStringLower(IO.SmallSha256.Hash(System.Text.Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>One line naming the missing files (the first five) and what to do.</summary>
    private static string MissingForCopies(List<string> missing, int artifacts)
    {
        var named = Named(missing, shown: 5);
        return $"a checkpoint with copies needs every artifact file of the build, and {missing.Count} of {artifacts} are missing ({named}): "
            + "rebuild to bring them back, put them back from an earlier checkpoint with copies (restore --artifacts), or take the checkpoint without copies (checkpoint --no-artifacts)";
    }

    private ArtifactRecord SafeRehash(ArtifactRecord artifact, Dictionary<string, ArtifactRecord> previous) =>
        ArtifactHasher.Hash(ToFullPath(artifact.Path), artifact.Path, artifact.Kind, previous);

    private List<CheckpointRef> Rotate(BuildRecord record)
    {
        var max = Math.Max(1, Options.MaxCheckpoints);
        var rotated = new List<CheckpointRef>();
        while (record.Checkpoints.Count > max)
        {
            rotated.Add(record.Checkpoints[0]);
            record.Checkpoints.RemoveAt(0);
        }

        return rotated;
    }

    /// <summary>Copies the manifest's files into the blob store (<see cref="StoreBlob"/>).</summary>
    private void StoreBlobs(string key, List<ArtifactRecord> manifest)
    {
        CreateDirectoryDurably(Layout.BlobsDir(key));
        foreach (var artifact in manifest)
        {
            StoreBlob(key, artifact);
        }
    }

    /// <summary>Copies an artifact into the blob store under its hash, verifying the copy; an existing blob is reused.</summary>
    private void StoreBlob(string key, ArtifactRecord artifact)
    {
        var blob = Layout.Blob(key, artifact.Sha256);
        if (_fs.FileExists(blob))
        {
            return;
        }

        var bytes = File.ReadAllBytes(ToFullPath(artifact.Path));
        var actual = ArtifactHasher.HashBytes(bytes);
        if (actual != artifact.Sha256)
        {
            throw new BuildStateException(StoreErrorKind.Validation, $"the artifact changed while the checkpoint was taken (expected {artifact.Sha256}, read {actual})", artifact.Path);
        }

        WriteAtomic(blob, bytes, sync: SyncNow(blob));
    }

    /// <summary>
    /// Deletes checkpoint files the state no longer lists, then blobs no remaining checkpoint needs.
    /// An unlisted file newer than the state stays, with its copies: it may be a checkpoint the state
    /// lost, which recover sets aside (BuildStore.UnlistedCheckpoints.cs). Returns how many files went.
    /// </summary>
    internal int DeleteUnreferencedCheckpointFiles(string key, BuildRecord record)
    {
        var listed = record.Checkpoints.Select(c => c.Id + ".json").ToHashSet(StringComparer.Ordinal);
        var deleted = 0;
        var files = _fs.EnumerateFiles(Layout.CheckpointsDir(key), "*.json").ToList();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            if (!listed.Contains(name) && !NewerThanState(Path.GetFileNameWithoutExtension(name), record))
            {
                _fs.DeleteFile(file);
                deleted++;
            }
        }

        return deleted + CollectBlobs(key, record, UnlistedNewerCheckpointIds(files, record));
    }

    /// <summary>Deletes blobs no remaining checkpoint (listed, or <paramref name="unlistedNewer"/>: unlisted and newer than the state) refers to.</summary>
    private int CollectBlobs(string key, BuildRecord record, List<string> unlistedNewer)
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        var kept = record.Checkpoints.Where(c => c.HasArtifactCopies).Select(c => c.Id).Concat(unlistedNewer);
        foreach (var id in kept)
        {
            if (TryReadCheckpoint(key, id) is not { } file)
            {
                return 0; // cannot tell what a damaged checkpoint needs: keep every blob until recover has dealt with it
            }

            file.Artifacts.ForEach(a => needed.Add(a.Sha256));
        }

        var deleted = 0;
        foreach (var blob in _fs.EnumerateFiles(Layout.BlobsDir(key), "*").ToList())
        {
            if (!needed.Contains(Path.GetFileName(blob)))
            {
                _fs.DeleteFile(blob);
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>The checkpoints of a build, oldest first, read from their files.</summary>
    public IReadOnlyList<CheckpointFile> GetCheckpoints(string buildId)
    {
        var key = BuildKey.For(buildId);
        var record = Get(buildId);
        return record.Checkpoints.Select(c => TryReadCheckpoint(key, c.Id)).OfType<CheckpointFile>().ToList();
    }

    internal CheckpointFile? TryReadCheckpoint(string key, string id)
    {
        try
        {
            return ReadCheckpoint(key, id);
        }
        catch (BuildStateException)
        {
            return null;
        }
    }

    internal CheckpointFile ReadCheckpoint(string key, string id)
    {
        if (!IsSafeCheckpointId(id))
        {
            throw BuildStateException.Corrupt(Layout.CheckpointsDir(key), "a checkpoint id that is not a safe file name");
        }

        var path = Layout.CheckpointFile(key, id);
        GuardNoLinks(path);
        var bytes = _fs.ReadAllBytes(path, StoreLimits.MaxStateFileBytes);
        var version = Migrations.PeekSchemaVersion(bytes, path);
        if (version > StoreSchema.Current)
        {
            throw Migrations.NewerSchema(path, version);
        }

        if (version != StoreSchema.Current)
        {
            throw BuildStateException.Corrupt(path, $"checkpoint schema version {version} is not supported (expected {StoreSchema.Current})");
        }

        var file = StoreJson.DeserializeCheckpoint(bytes, path);
        if (file.Id != id || string.IsNullOrEmpty(file.BuildId))
        {
            throw BuildStateException.Corrupt(path, "the checkpoint's id does not match its file name");
        }

        if (file.Artifacts is null || file.State is null || file.Artifacts.Any(a => a is null || a.Sha256 is null || a.Path is null))
        {
            throw BuildStateException.Corrupt(path, "the checkpoint has no state or a broken artifact manifest");
        }

        if (file.Artifacts.Any(a => a.Mode is not null && ArtifactModes.Parse(a.Mode) is null))
        {
            throw BuildStateException.Corrupt(path, "the checkpoint lists an artifact mode that is not Unix permission bits in octal (\"755\")");
        }

        if (file.HasArtifactCopies && file.Artifacts.Any(a => !IsSha256Hex(a.Sha256)))
        {
            // With copies, each hash names a blob file: it must be a hash, never a path.
            throw BuildStateException.Corrupt(path, "the checkpoint lists an artifact hash that is not a SHA-256 (64 hex digits)");
        }

        CheckShape(file.State, path);

        return file;
    }

    /// <summary>
    /// Reads a checkpoint that the build <paramref name="buildId"/> lists (null: the build of the folder <paramref name="key"/>, id unknown) and checks it is the one the build's
    /// state describes: a checkpoint of this build, whose artifact list has the digest the state
    /// lists for it (<see cref="CheckpointRef.ArtifactsSha256"/>; a checkpoint taken before the
    /// digest existed has none to check). A checkpoint file carries no checksum of its own: the
    /// digest, kept in the state and its history record (which have checksums), is what tells an
    /// artifact list edited or swapped since from the one taken. Validation reports what this
    /// refuses; restore refuses it before it writes anything. A Corruption error naming the file.
    /// </summary>
    internal CheckpointFile ReadListedCheckpoint(string key, string? buildId, CheckpointRef reference)
    {
        var file = ReadCheckpoint(key, reference.Id);
        var path = Layout.CheckpointFile(key, reference.Id);
        // Without the build's id (its state and history unreadable), its folder's key is what a checkpoint must match.
        var foreign = buildId is null
            ? (BuildKey.For(file.BuildId) != key ? file.BuildId : null)
            : file.BuildId != buildId ? file.BuildId : file.State.Id != buildId ? file.State.Id : null;
        if (foreign is not null)
        {
            throw BuildStateException.Corrupt(path, $"the checkpoint belongs to build '{foreign}'");
        }

        if (reference.ArtifactsSha256 is { } digest && digest != ManifestDigest(file.Artifacts, file.HasArtifactCopies))
        {
            throw BuildStateException.Corrupt(path, $"the checkpoint's artifact list does not match the digest the build lists for checkpoint {reference.Id}");
        }

        return file;
    }

    private static bool IsSha256Hex(string hash) => hash.Length == 64 && hash.All(char.IsAsciiHexDigitLower);

    /// <summary>What taking a checkpoint gave (a class, not a tuple: a tuple of bools is JIT-compiled in each MSBuild node).</summary>
    private sealed record CheckpointTaken(CheckpointRef Checkpoint, bool Rotated, bool Taken, ArtifactDrift Drift);
}
