using BuildState.Errors;
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
    /// The second half: each verified copy is written into a temporary file beside its target,
    /// given the permission bits the checkpoint recorded for it (<see cref="ArtifactModes"/>), and
    /// verified there; only when every one is staged does each replace its target (a rename: atomic
    /// per file, a reader sees the old file or the new one). A failure while staging removes the
    /// temporary files and leaves every target as it was.
    /// </summary>
    private void WriteArtifactsBack(List<PendingArtifact> pending, RestoreResult result)
    {
        var staged = new List<string>(pending.Count);
        var current = "";
        try
        {
            foreach (var item in pending)
            {
                current = item.Target;
                // Read and verified again: the build's lock keeps the store's writers out, not every process.
                var bytes = ReadVerifiedCopy(item.Blob, item.Artifact);
                Directory.CreateDirectory(Path.GetDirectoryName(item.Target)!);
                var temp = $"{item.Target}.restore-{Guid.NewGuid():N}";
                staged.Add(temp);
                File.WriteAllBytes(temp, bytes);
                ArtifactModes.Apply(temp, item.Artifact.Mode); // before the rename: the file appears with its bits
                if (ArtifactHasher.HashFile(temp) != item.Artifact.Sha256)
                {
                    throw new BuildStateException(StoreErrorKind.General, "the file written back does not match its SHA-256; nothing was restored", item.Target);
                }
            }

            for (var i = 0; i < pending.Count; i++)
            {
                current = pending[i].Target;
                File.Move(staged[i], pending[i].Target, overwrite: true);
                result.Restored.Add(pending[i].Artifact.Path);
            }
        }
        catch (Exception e) when (e is BuildStateException or IOException or UnauthorizedAccessException)
        {
            staged.ForEach(DeleteIfThere);
            throw BuildStateException.FromIo(e, current, "write back the artifact", storeFile: false);
        }
    }

    /// <summary>The stored copy of an artifact, read and checked against its SHA-256 (a Corruption error naming the blob when missing or damaged).</summary>
    private byte[] ReadVerifiedCopy(string blob, ArtifactRecord artifact)
    {
        var state = CheckCopy(blob, artifact, out var bytes);
        return state == CopyState.Intact
            ? bytes!
            : throw BuildStateException.Corrupt(blob, $"the stored copy of {Shown(artifact.Path)} {Describe(state)}");
    }

    private static void DeleteIfThere(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left beside its target under a .restore-* name; the target itself was not touched.
        }
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
