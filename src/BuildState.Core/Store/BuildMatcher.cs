namespace BuildState.Store;

/// <summary>
/// Which build ids a BUILD argument names, in tiers (the first tier with a match decides; all
/// case-insensitive):
/// <list type="number">
/// <item>the full id;</item>
/// <item>a project's name (its path, file name or file name without extension) followed by every
/// field of the rest of the id (<c>App|Debug|net10.0</c> names <c>src/App/App.csproj|Debug|net10.0</c>
/// and not its <c>...|Release</c> lifecycle build);</item>
/// <item>a project's name, optionally followed by the first fields of the rest (<c>App</c>,
/// <c>App|Debug</c>); fields are positional, so <c>App|Release</c> is the Release configuration. When
/// this tier matches several builds and exactly one of them is a default-lifecycle build (three
/// fields: project, configuration, target framework; a custom lifecycle's build has a fourth, the
/// lifecycle's name), that one is named;</item>
/// <item>any id containing the part.</item>
/// </list>
/// So naming a project exactly is never ambiguous with a longer name that merely contains it
/// (Contoso.Core.Tests), nor with the project's own custom-lifecycle builds. Used by
/// <see cref="BuildStore.ResolveBuildId"/> and the CLI's BUILD arguments alike.
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

        var caseless = all.Where(id => string.Equals(id, part, StringComparison.OrdinalIgnoreCase)).ToList();
        if (caseless.Count > 0)
        {
            return caseless;
        }

        var allFields = all.Where(id => NamesProject(id, part, allFields: true)).ToList();
        if (allFields.Count > 0)
        {
            return allFields;
        }

        var project = all.Where(id => NamesProject(id, part, allFields: false)).ToList();
        if (project.Count > 1 && project.Where(IsDefaultLifecycle).Take(2).ToList() is [var only])
        {
            return [only];
        }

        if (project.Count > 0)
        {
            return project;
        }

        return all.Where(id => id.Contains(part, StringComparison.OrdinalIgnoreCase)).ToList();
    }

    /// <summary>True for a build of the default lifecycle: <c>project|Configuration|TargetFramework</c>, no fourth field (a custom lifecycle's name).</summary>
    public static bool IsDefaultLifecycle(string id) => Split(id).Fields.Count(c => c == '|') == 1;

    /// <summary>
    /// True when <paramref name="part"/> is one of the project's names, then whole fields of the id's
    /// rest (Configuration, TargetFramework, lifecycle): every field when <paramref name="allFields"/>,
    /// else the first ones.
    /// </summary>
    private static bool NamesProject(string id, string part, bool allFields)
    {
        var (project, rest) = Split(id);
        var (partProject, partRest) = Split(part);
        var fieldsMatch = string.Equals(rest, partRest, StringComparison.OrdinalIgnoreCase)
            || (!allFields && (partRest.Length == 0 || rest.StartsWith(partRest + "|", StringComparison.OrdinalIgnoreCase)));
        if (!fieldsMatch)
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
