namespace BuildState.IO;

/// <summary>
/// Where a path leads on disk: each existing folder or file on it that is a symbolic link (or a
/// junction) replaced by what it points to, as the operating system would follow it. Restore uses
/// it to write only where the repository really is, not through a link that leads elsewhere.
/// </summary>
internal static class PathLinks
{
    // Linux's own limit of links followed in one lookup (ELOOP beyond it).
    private const int MaxLinks = 40;

    /// <summary>Where full path <paramref name="full"/> lies against <paramref name="root"/>, by their text (resolve links first where they matter).</summary>
    public static PathRelation Relation(string full, string root)
    {
        var relative = Path.GetRelativePath(root, full);
        return relative == "." ? PathRelation.Same
            : relative == ".." || Path.IsPathRooted(relative) || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? PathRelation.Outside
            : PathRelation.Below;
    }

    /// <summary>The full path <paramref name="fullPath"/> leads to; the part that does not exist yet is kept as written.</summary>
    public static string Resolve(string fullPath)
    {
        var links = 0;
        return Resolve(Path.GetFullPath(fullPath), ref links);
    }

    private static string Resolve(string fullPath, ref int links)
    {
        var root = Path.GetPathRoot(fullPath)!;
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next); // LinkTarget reads a link to a folder as well as to a file
            if (info.LinkTarget is { } target)
            {
                if (++links > MaxLinks)
                {
                    throw new IOException($"more than {MaxLinks} symbolic links on the way to '{fullPath}'");
                }

                // A relative target is relative to the link's folder, which is resolved already.
                current = Resolve(Path.GetFullPath(target, current), ref links);
                continue;
            }

            if (!info.Exists && !Directory.Exists(next))
            {
                return Path.Combine([next, .. parts[(i + 1)..]]); // nothing below exists to be a link
            }

            current = next;
        }

        return current;
    }
}

/// <summary>A path against a root: the root itself, below it, or outside it.</summary>
internal enum PathRelation { Same, Below, Outside }
