// --shape typical: the 10 projects shaped like a real solution's instead of the smallest ones the
// goal can be read from. The default shape (Program.cs) is the harshest case for the SDK: ten
// projects of 20 one-line files, no package, so a no-op build is almost nothing but MSBuild's own
// per-project work and every millisecond the SDK adds shows. Real solutions reference packages
// (every test project does), have more files and use the common switches; their no-op builds
// take longer for reasons that have nothing to do with the SDK, so the same absolute cost is a
// smaller share. Both are reported (docs/benchmarks.md); the goal's figure stays the default shape.
internal static class TypicalSolution
{
    // The packages a project references (versions this machine's registry serves on net10.0).
    private static readonly string[][] Packages =
    [
        ["Microsoft.Extensions.Logging.Abstractions/10.0.15"],
        ["Microsoft.Extensions.DependencyInjection.Abstractions/10.0.15"],
        ["Newtonsoft.Json/13.0.4"],
        ["Polly/8.9.1"],
        ["Serilog/4.4.0"],
        [],
        ["Microsoft.Extensions.Hosting/10.0.15", "Microsoft.Extensions.Logging.Console/10.0.15"],
        ["Microsoft.Extensions.DependencyInjection/10.0.15"],
        ["xunit/2.9.3", "xunit.runner.visualstudio/3.1.5", "Microsoft.NET.Test.Sdk/18.12.0"],
        ["xunit/2.9.3", "xunit.runner.visualstudio/3.1.5", "Microsoft.NET.Test.Sdk/18.12.0"],
    ];

    /// <summary>The common switches, for Directory.Build.props.</summary>
    public const string Properties = "<PropertyGroup><Nullable>enable</Nullable><ImplicitUsings>enable</ImplicitUsings><GenerateDocumentationFile>true</GenerateDocumentationFile></PropertyGroup>";

    /// <summary>Writes src/P0..P9: six libraries (P0-P5, each on the one before and on P0), a
    /// hosted app (P6) and a worker library (P7) on them, and two xunit test projects (P8, P9).</summary>
    public static void Write(string root)
    {
        for (var i = 0; i < 10; i++)
        {
            var name = $"P{i}";
            var dir = Path.Combine(root, "src", name);
            Directory.CreateDirectory(dir);
            var references = i switch
            {
                0 => [],
                <= 5 => new[] { i - 1, 0 }.Distinct(),
                6 or 7 => [1, 2, 3, 4, 5],
                _ => [i - 3, i - 7],
            };
            var kind = i switch
            {
                6 => "<OutputType>Exe</OutputType>",
                8 or 9 => "<IsPackable>false</IsPackable><IsTestProject>true</IsTestProject>",
                _ => "",
            };
            var items = string.Concat(references.Select(r => $"""<ProjectReference Include="../P{r}/P{r}.csproj" />"""))
                + string.Concat(Packages[i].Select(p => $"""<PackageReference Include="{p.Split('/')[0]}" Version="{p.Split('/')[1]}" />"""));
            File.WriteAllText(Path.Combine(dir, name + ".csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework>{kind}</PropertyGroup><ItemGroup>{items}</ItemGroup></Project>
                """);
            for (var f = 0; f < 60; f++)
            {
                File.WriteAllText(Path.Combine(dir, $"C{f}.cs"), Source(name, f, i));
            }

            if (i == 6)
            {
                File.WriteAllText(Path.Combine(dir, "Program.cs"), "System.Console.WriteLine(P6.C1.M(1));\n");
            }
        }
    }

    // A small class of the kind a project has dozens of: a record, a method with a loop, a test in
    // the test projects. Its size does not matter to a no-op build; the file count does (the
    // up-to-date checks and globs go over every file).
    private static string Source(string name, int file, int project) => project >= 8 && file < 10
        ? $$"""
            namespace {{name}};

            public sealed class C{{file}}Tests
            {
                [Xunit.Fact]
                public void Adds() => Xunit.Assert.Equal({{file + 2}}, C{{file}}.M(1) + 1 - {{project}} + {{project}});
            }

            public static class C{{file}}
            {
                public static int M(int x) => x + {{file}};
            }
            """
        : $$"""
            namespace {{name}};

            /// <summary>Item {{file}} of {{name}}.</summary>
            public sealed record Item{{file}}(string Name, int Count);

            /// <summary>Operations on item {{file}}.</summary>
            public static class C{{file}}
            {
                /// <summary>Scales a value.</summary>
                public static int M(int x)
                {
                    var total = 0;
                    for (var i = 0; i < x; i++)
                    {
                        total += i * {{file + 1}} + {{project}};
                    }

                    return total + x;
                }

                /// <summary>Counts the named items.</summary>
                public static int Count(IEnumerable<Item{{file}}> items) => items.Where(i => i.Name.Length > 0).Sum(i => i.Count);
            }
            """;
}
