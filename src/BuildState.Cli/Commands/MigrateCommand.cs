using System.CommandLine;
using BuildState.Cli.Rendering;

namespace BuildState.Cli.Commands;

/// <summary><c>migrate</c>: upgrades every store file to the current schema version (the old files are kept in backups/).</summary>
internal static class MigrateCommand
{
    public static Command Create(Runner runner) =>
        runner.Verb("migrate", "Upgrade store files written by an older version to the current schema (originals are kept under backups/).", "buildstate migrate", Execute);

    private static int Execute(CliContext ctx)
    {
        var migrated = ctx.Store.Migrate();
        if (ctx.Json)
        {
            ctx.WriteJson(new MigratedJson(migrated), CliJsonContext.Default.MigratedJson);
            return 0;
        }

        foreach (var file in migrated)
        {
            ctx.Console.MarkupLine($"migrated {Styles.E(file)}");
        }

        ctx.Console.MarkupLine(migrated.Count == 0 ? "Every file is at the current schema version." : $"{migrated.Count} file(s) migrated.");
        return 0;
    }
}
