using BuildState.Errors;

namespace BuildState.Store;

public sealed partial class BuildStore
{
    /// <summary>
    /// Why the build in the folder <paramref name="buildKey"/> cannot be read: the error its files
    /// give, naming the file that failed and with the kind that says what to do: a symbolic link or
    /// a refused read (PermissionDenied: recover cannot help), a file of a newer schema (upgrade the
    /// tool), or damage (Corruption: recover repairs what it can). Null when the build reads (a
    /// damaged snapshot that history makes good reads). For callers that found a build by its folder
    /// and could not load it: a generic "cannot be read" names the wrong file and the wrong remedy.
    /// </summary>
    public BuildStateException? FindReadProblem(string buildKey)
    {
        try
        {
            if (!BuildFolderExists(Layout.BuildDir(buildKey)))
            {
                return BuildStateException.NotFound("the build's folder does not exist", Layout.BuildDir(buildKey));
            }

            // A refusal is the problem even when another copy would stand in for the refused file.
            var refused = Refusal(() => ReadStateFile(Layout.StateFile(buildKey))) ?? Refusal(() => ScanHistory(buildKey));
            if (refused is not null)
            {
                return refused;
            }

            if (IdOf(buildKey) is not { } id)
            {
                return BuildStateException.Corrupt(
                    Layout.StateFile(buildKey),
                    "neither the state, its history nor a backup of this build can be read; `buildstate recover` moves the folder to damaged/ so the rest of the store stays usable");
            }

            Load(buildKey, id, repair: false);
            return null;
        }
        catch (BuildStateException e)
        {
            return e;
        }
    }

    /// <summary>The error of <paramref name="read"/> when it is not damage (a refused read, a link, a newer schema); null otherwise.</summary>
    private static BuildStateException? Refusal(Action read)
    {
        try
        {
            read();
            return null;
        }
        catch (BuildStateException e)
        {
            return IsDamage(e) ? null : e;
        }
    }
}
