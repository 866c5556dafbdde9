using BuildState.Errors;
using BuildState.Store;

namespace BuildState.Cli;

/// <summary>
/// Finds the store: --root (a store folder or a folder holding .buildstate/), else the nearest
/// .buildstate/ above the current directory. A folder given with --root must be a store: verbs that
/// write (recover, migrate, ...) would otherwise lay a store out in any folder, and readers would
/// call a source folder an empty store.
/// </summary>
internal static class StoreLocator
{
    public const string StoreFolderName = ".buildstate";

    public static string Locate(string? root, string currentDirectory)
    {
        if (!string.IsNullOrEmpty(root))
        {
            var full = Path.GetFullPath(root, currentDirectory);
            var nested = Path.Combine(full, StoreFolderName);
            if (Directory.Exists(nested))
            {
                return nested;
            }

            if (!Directory.Exists(full))
            {
                throw BuildStateException.NotFound($"there is no store at '{root}' (give a .buildstate folder or the folder that holds it)", full);
            }

            return IsStore(full) ? full : throw NotAStore(full);
        }

        for (var dir = new DirectoryInfo(Path.GetFullPath(currentDirectory)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, StoreFolderName);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }

            if (File.Exists(candidate))
            {
                // Where the store belongs (the repository root) a file stands: builds warn BST1001
                // and record nothing there, so "build first" would not help.
                throw BuildStateException.NotFound(
                    "a file stands where the store folder belongs: builds cannot record there either (warning BST1001); move the file away, or pass --root DIR", candidate);
            }
        }

        throw BuildStateException.NotFound(
            $"no {StoreFolderName}/ folder in '{currentDirectory}' or above it; build with BuildState.Sdk first, or pass --root DIR");
    }

    /// <summary>
    /// A store is a folder named .buildstate (the SDK's name for it, whatever it holds yet), or one
    /// holding what the store's first write lays out (active/, index.json or its journal) or
    /// archived/. An empty folder of another name is not one: nothing marks it as a store.
    /// </summary>
    public static bool IsStore(string folder)
    {
        if (string.Equals(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), StoreFolderName, StringComparison.Ordinal))
        {
            return true;
        }

        var layout = new StoreLayout(folder);
        return Directory.Exists(layout.ActiveDir) || File.Exists(layout.IndexFile) || File.Exists(layout.IndexJournal) || Directory.Exists(layout.ArchivedDir);
    }

    private static BuildStateException NotAStore(string folder)
    {
        var what = Directory.EnumerateFileSystemEntries(folder).Any()
            ? $"no index.json, active/ or archived/ in it, and no {StoreFolderName}/ folder"
            : "it is empty";
        return BuildStateException.NotFound(
            $"not a BuildState store: {folder} ({what}); pass the {StoreFolderName} folder of a repository, or build with the SDK first");
    }
}
