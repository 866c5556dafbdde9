using BuildState.Errors;

namespace BuildState.Cli;

/// <summary>Finds the store: --root (a store folder or a folder holding .buildstate/), else the nearest .buildstate/ above the current directory.</summary>
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

            if (Directory.Exists(full))
            {
                return full;
            }

            throw BuildStateException.NotFound($"there is no store at '{root}' (give a .buildstate folder or the folder that holds it)", full);
        }

        for (var dir = new DirectoryInfo(Path.GetFullPath(currentDirectory)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, StoreFolderName);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw BuildStateException.NotFound(
            $"no {StoreFolderName}/ folder in '{currentDirectory}' or above it; build with BuildState.Sdk first, or pass --root DIR");
    }
}
