using System.CommandLine;
using BuildState.Cli.Rendering;
using BuildState.Errors;
using BuildState.Model;
using BuildState.Store;
using BuildState.Tables;

namespace BuildState.Cli.Commands;

/// <summary><c>graph</c>: a lifecycle table (the default, a store's, or a file) or the project dependency graph, as Mermaid or DOT.</summary>
internal static class GraphCommand
{
    private static readonly Argument<string?> File = new("TABLE") { Description = "A *.buildstate.json file, or the name of a lifecycle the store carries (default: the default lifecycle)", Arity = ArgumentArity.ZeroOrOne };
    // Its accepted values are set once here: set in Create, every command tree built (one per run
    // in a process that runs several, like the tests) changed the option under another run's parse.
    private static readonly Option<string> Format = new Option<string>("--format", "-f") { Description = "mermaid or dot", HelpName = "FORMAT", DefaultValueFactory = _ => "mermaid" }.AcceptOnlyFromAmong("mermaid", "dot");
    private static readonly Option<bool> Deps = new("--deps") { Description = "The project dependency graph of the store's builds instead of a lifecycle" };

    public static Command Create(Runner runner)
    {
        return runner.Verb("graph", "Print a lifecycle transition table, or with --deps the project dependency graph, as Mermaid or Graphviz DOT.", "buildstate graph release.buildstate.json --format dot | dot -Tsvg > release.svg", Execute, File, Format, Deps);
    }

    private static int Execute(CliContext ctx)
    {
        var format = ctx.Get(Format) ?? "mermaid";
        var table = ctx.Get(File);
        string text;
        string subject;
        IReadOnlyList<UnreadableBuild> unreadable = [];
        if (ctx.Get(Deps))
        {
            if (table is not null)
            {
                throw new UsageException("--deps takes no TABLE");
            }

            (var builds, unreadable) = ReadBuilds(ctx);
            var names = unreadable.Select(UnreadableBuilds.Name).ToList();
            text = format == "dot" ? DependencyGraph.ToDot(builds, names) : DependencyGraph.ToMermaid(builds, names);
            subject = "dependencies";
        }
        else
        {
            var parsed = LoadTable(ctx, table);
            text = format == "dot" ? TableRenderer.ToDot(parsed) : TableRenderer.ToMermaid(parsed);
            subject = parsed.Name;
        }

        if (ctx.Json)
        {
            ctx.WriteJson(new GraphJson(subject, format, text, UnreadableBuilds.Json(unreadable)), CliJsonContext.Default.GraphJson);
        }
        else
        {
            ctx.Out.Write(text);
        }

        return UnreadableBuilds.Warn(ctx, unreadable);
    }

    /// <summary>Every active build's state; those that cannot be read are returned apart, to be drawn and reported as such.</summary>
    private static (List<BuildRecord> Builds, List<UnreadableBuild> Unreadable) ReadBuilds(CliContext ctx)
    {
        var listing = ctx.Store.ListWithUnreadable();
        var builds = new List<BuildRecord>();
        var unreadable = listing.Unreadable.ToList();
        foreach (var entry in listing.Builds)
        {
            try
            {
                if (ctx.Store.TryGet(entry.Id) is { } build)
                {
                    builds.Add(build);
                }
            }
            catch (BuildStateException e) when (e.Kind is StoreErrorKind.NotFound)
            {
                // Archived or pruned since the listing: no longer one of the store's builds.
            }
            catch (BuildStateException e)
            {
                unreadable.Add(UnreadableBuilds.From(entry.Id, e));
            }
        }

        return (builds, unreadable);
    }

    private static TransitionTable LoadTable(CliContext ctx, string? table)
    {
        if (table is null || table == "Default")
        {
            return LifecycleSet.ParseDefault();
        }

        if (table.EndsWith(TableParser.FileSuffix, StringComparison.OrdinalIgnoreCase) || System.IO.File.Exists(Path.GetFullPath(table, ctx.Environment.CurrentDirectory)))
        {
            var path = Path.GetFullPath(table, ctx.Environment.CurrentDirectory);
            if (!System.IO.File.Exists(path))
            {
                var known = string.Join(", ", ctx.Lifecycles.Tables.Keys.Order(StringComparer.Ordinal));
                throw BuildStateException.NotFound($"no table file '{table}'; check the path (relative to the current folder), or give a lifecycle the store knows by name ({known})", path);
            }

            var (parsed, problems) = LifecycleSet.ParseFile(path);
            return parsed is null ? throw Unusable(ctx, problems, path) : Warn(ctx, problems, parsed);
        }

        return StoreTable(ctx, table);
    }

    /// <summary>
    /// A lifecycle the store carries, by name: exactly, else in any case when only one matches. A
    /// table file of that name that does not parse shows its diagnostics (as validate does), not "no lifecycle".
    /// </summary>
    private static TransitionTable StoreTable(CliContext ctx, string name)
    {
        var tables = ctx.Lifecycles.Tables;
        if (tables.TryGetValue(name, out var exact))
        {
            return Warn(ctx, ctx.Lifecycles.Problems, exact);
        }

        var matches = tables.Where(t => string.Equals(t.Key, name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            return Warn(ctx, ctx.Lifecycles.Problems, matches[0].Value);
        }

        var lifecycles = Path.Combine(ctx.StoreRoot, "lifecycles");
        if (matches.Count > 1)
        {
            throw BuildStateException.NotFound($"'{name}' matches {matches.Count} lifecycles that differ only in case; give one exactly: {string.Join(", ", matches.Select(m => m.Key).Order(StringComparer.Ordinal))}", lifecycles);
        }

        var bad = ctx.Lifecycles.Problems.Where(p => string.Equals(TableName(p.File), name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (bad.Count > 0)
        {
            throw Unusable(ctx, bad, bad[0].File);
        }

        throw BuildStateException.NotFound($"no lifecycle '{name}' in the store; known: {string.Join(", ", tables.Keys.Order(StringComparer.Ordinal))}", lifecycles);
    }

    /// <summary>The lifecycle name a store's table file is kept under: &lt;Name&gt;.buildstate.json.</summary>
    private static string TableName(string file)
    {
        var fileName = Path.GetFileName(file);
        return fileName.EndsWith(TableParser.FileSuffix, StringComparison.OrdinalIgnoreCase) ? fileName[..^TableParser.FileSuffix.Length] : fileName;
    }

    /// <summary>
    /// Prints each problem in file order, warnings included (file(line,col): error|warning BSTnnnn:
    /// message) and returns the error that ends the verb (exit 4).
    /// </summary>
    private static BuildStateException Unusable(CliContext ctx, IReadOnlyList<TableProblem> problems, string path)
    {
        foreach (var problem in problems)
        {
            ctx.Error.WriteLine(problem.ToString());
        }

        return new BuildStateException(StoreErrorKind.Validation, $"the table has {problems.Count(p => !p.IsWarning)} error(s); it is not drawn", path);
    }

    /// <summary>A usable table is drawn; its warnings (file order) go to standard error first, and do not change the exit code.</summary>
    private static TransitionTable Warn(CliContext ctx, IEnumerable<TableProblem> problems, TransitionTable table)
    {
        foreach (var warning in problems.Where(p => p.IsWarning && table.Path is not null && string.Equals(p.File, table.Path, StringComparison.Ordinal)))
        {
            ctx.Error.WriteLine(warning.ToString());
        }

        return table;
    }
}
