using BuildState.Errors;
using BuildState.IO;
using BuildState.Model;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// The first half of writing artifacts back, which writes nothing: every file that is missing
    /// or altered must have a stored copy that is there and matches its SHA-256 (else the restore is
    /// refused, naming the blob). Files that already match their hash are listed as unchanged.
    /// Restore writes only inside the repository root: a listed file outside it (a publish to
    /// <c>-o</c> elsewhere, stored absolute) that is missing or altered is not written but listed
    /// as not restored, with its verified copy, for the caller to copy by hand. Returns the files
    /// to write back, with their verified copies.
    /// </summary>
    private List<PendingArtifact> VerifyArtifactCopies(string key, CheckpointFile file, RestoreResult result)
    {
        var pending = new List<PendingArtifact>();
        foreach (var artifact in file.Artifacts)
        {
            var blob = Layout.Blob(key, artifact.Sha256);
            if (FullPathInsideRepository(artifact.Path) is not { } target)
            {
                if (IsOnDiskAsRecorded(artifact))
                {
                    result.Unchanged.Add(artifact.Path);
                    continue;
                }

                ReadVerifiedCopy(blob, artifact);
                result.NotRestored.Add(new OutsideCopy(artifact.Path, blob));
                continue;
            }

            if (File.Exists(target) && ArtifactHasher.HashFile(target) == artifact.Sha256)
            {
                result.Unchanged.Add(artifact.Path);
                continue;
            }

            if (Directory.Exists(target))
            {
                throw new BuildStateException(StoreErrorKind.Validation, $"a folder is where artifact {Shown(artifact.Path)} goes back; move it away and restore again", target);
            }

            ReadVerifiedCopy(blob, artifact);
            pending.Add(new PendingArtifact(artifact, target, blob));
        }

        return pending;
    }

    /// <summary>
    /// The second half: each verified copy is written into a new temporary file beside its target,
    /// given the permission bits the checkpoint recorded for it (<see cref="ArtifactModes"/>), and
    /// verified there; only when every one is staged does each replace its target (a rename: atomic
    /// per file, a reader sees the old file or the new one). A failure while staging removes the
    /// temporary files and leaves every target as it was. Each target's folder is checked again as
    /// it is opened for the writes, and written through (<see cref="ContainedFolder"/>): one that
    /// leads out of the repository now (a folder on the way replaced by a link since the first
    /// half looked) gets no file, and nothing is restored.
    /// </summary>
    private void WriteArtifactsBack(List<PendingArtifact> pending, RestoreResult result)
    {
        if (pending.Count == 0)
        {
            return;
        }

        var folders = new Dictionary<string, ContainedFolder>(StringComparer.Ordinal);
        var staged = new List<(ContainedFolder Folder, string Temp)>(pending.Count);
        var current = "";
        try
        {
            var root = PathLinks.Resolve(RepositoryRoot);
            foreach (var item in pending)
            {
                current = item.Target;
                // Read and verified again: the build's lock keeps the store's writers out, not every process.
                var bytes = ReadVerifiedCopy(item.Blob, item.Artifact);
                var folderPath = Path.GetDirectoryName(item.Target)!;
                if (!folders.TryGetValue(folderPath, out var folder))
                {
                    BeforeWriteBackTestHook?.Invoke(folderPath);
                    folder = ContainedFolder.Open(folderPath, root, WriteBackThroughDescriptor)
                        ?? throw new BuildStateException(StoreErrorKind.Validation, $"the folder of artifact {Shown(item.Artifact.Path)} leads out of the repository now (a folder on its way became a link while restore ran); nothing was restored: look at that folder, then restore again", folderPath);
                    folders[folderPath] = folder;
                }

                var temp = $"{Path.GetFileName(item.Target)}.restore-{Guid.NewGuid():N}";
                staged.Add((folder, temp));
                folder.WriteNew(temp, bytes, item.Artifact.Mode is { } mode ? ArtifactModes.Parse(mode) : null);
                string writtenSha256;
                using (var written = folder.OpenRead(temp))
                {
                    writtenSha256 = ArtifactHasher.HashStream(written);
                }

                if (writtenSha256 != item.Artifact.Sha256)
                {
                    throw new BuildStateException(StoreErrorKind.General, "the file written back does not match its SHA-256; nothing was restored", item.Target);
                }
            }

            for (var i = 0; i < pending.Count; i++)
            {
                current = pending[i].Target;
                staged[i].Folder.Replace(staged[i].Temp, Path.GetFileName(pending[i].Target));
                result.Restored.Add(pending[i].Artifact.Path);
            }
        }
        catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
        {
            foreach (var (folder, temp) in staged)
            {
                folder.DeleteIfThere(temp); // a failure leaves it beside its target under a .restore-* name; the target itself was not touched
            }

            throw BuildStateException.FromIo(e, current, "write back the artifact", storeFile: false);
        }
        finally
        {
            foreach (var folder in folders.Values)
            {
                folder.Dispose();
            }
        }
    }

    /// <summary>Called with each target folder just before it is opened for the writes: lets a test change the disk between the two halves.</summary>
    internal Action<string>? BeforeWriteBackTestHook { get; set; }

    /// <summary>False writes files back by path, as on systems without a descriptor to write through (<see cref="ContainedFolder"/>): for tests of that way on Linux.</summary>
    internal bool WriteBackThroughDescriptor { get; set; } = true;

    /// <summary>The stored copy of an artifact, read and checked against its SHA-256 (a Corruption error naming the blob when missing or damaged).</summary>
    private byte[] ReadVerifiedCopy(string blob, ArtifactRecord artifact)
    {
        var state = CheckCopy(blob, artifact, out var bytes);
        return state == CopyState.Intact
            ? bytes!
            : throw BuildStateException.Corrupt(blob, $"the stored copy of {Shown(artifact.Path)} {Describe(state)}");
    }

    /// <summary>A stored path as an error message shows it: quoted, control characters escaped, so the message stays one line.</summary>
    private static string Shown(string path)
    {
        var text = new System.Text.StringBuilder("'");
        foreach (var c in path.Length > 300 ? path[..300] + "..." : path)
        {
            text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Append('\'').ToString();
    }

    /// <summary>An artifact file to write back: where, and its verified stored copy.</summary>
    private sealed record PendingArtifact(ArtifactRecord Artifact, string Target, string Blob);
}
