namespace BuildState.Store;

/// <summary>
/// Which build ids a BUILD argument names, in tiers: the full id; then the project, when the part is
/// its path, file name or name, optionally followed by the first fields of the rest
/// (<c>src/Contoso.Core/Contoso.Core.csproj|Debug|net10.0</c> is named by <c>Contoso.Core</c> and by
/// <c>Contoso.Core|Debug</c>); then any id containing the part. All case-insensitive. The first tier
/// with a match decides, so naming a project exactly is never ambiguous with a longer name that
/// merely contains it (Contoso.Core.Tests). Used by <see cref="BuildStore.ResolveBuildId"/> and the
/// CLI's BUILD arguments alike.
/// </summary>
public static class BuildMatcher
{
    /// <summary>The ids of the first tier with a match (one id: resolved; several: ambiguous; none: unknown).</summary>
    public static IReadOnlyList<string> Match(IEnumerable<string> ids, string part)
    {
        var all = ids as IReadOnlyList<string> ?? ids.ToList();
        if (all.FirstOrDefault(id => string.Equals(id, part, StringComparison.Ordinal)) is { } exact)
        {
            return [exact];
        }

        foreach (var tier in new Func<string, bool>[]
        {
            id => string.Equals(id, part, StringComparison.OrdinalIgnoreCase),
            id => NamesProject(id, part),
            id => id.Contains(part, StringComparison.OrdinalIgnoreCase),
        })
        {
            var matches = all.Where(tier).ToList();
            if (matches.Count > 0)
            {
                return matches;
            }
        }

        return [];
    }

    /// <summary>True when <paramref name="part"/> is one of the project's names, then whole fields of the id's rest (Configuration, TargetFramework).</summary>
    private static bool NamesProject(string id, string part)
    {
        var (project, rest) = Split(id);
        var (partProject, partRest) = Split(part);
        if (partRest.Length > 0 && !(string.Equals(rest, partRest, StringComparison.OrdinalIgnoreCase) || rest.StartsWith(partRest + "|", StringComparison.OrdinalIgnoreCase)))
        {
            return false;
        }

        var fileName = project[(project.LastIndexOf('/') + 1)..];
        return string.Equals(partProject, project, StringComparison.OrdinalIgnoreCase)
            || string.Equals(partProject, fileName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(partProject, Path.GetFileNameWithoutExtension(fileName), StringComparison.OrdinalIgnoreCase);
    }

    private static (string Project, string Fields) Split(string text)
    {
        var bar = text.IndexOf('|');
        return bar < 0 ? (text, "") : (text[..bar], text[(bar + 1)..]);
    }
}
