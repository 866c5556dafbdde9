using BuildState.Store;

namespace BuildState.Sdk.Tests.Infrastructure;

/// <summary>A throwaway repository: its own folder (with .git), nuget.config pointing at the feed, and NuGet cache.</summary>
public sealed class TestRepo : IDisposable
{
    private readonly PackageFeed _feed;

    public TestRepo(PackageFeed feed, bool viaDirectoryBuildProps = true)
    {
        _feed = feed;
        Root = Path.Combine(Path.GetTempPath(), "bst-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(Root, ".git"));
        NuGetPackages = Path.Combine(Root, ".nuget-packages");
        Write("nuget.config", $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed.Folder}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        if (viaDirectoryBuildProps)
        {
            Write("Directory.Build.props", $"""
                <Project>
                  <ItemGroup>
                    <PackageReference Include="BuildState.Sdk" Version="{PackageFeed.Version}" PrivateAssets="all" />
                  </ItemGroup>
                </Project>
                """);
        }
    }

    public string Root { get; }

    public string NuGetPackages { get; }

    public string StoreRoot => Path.Combine(Root, ".buildstate");

    public string Path_(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public void Write(string relative, string content)
    {
        var path = Path_(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>A library (or exe) project with one source file and optional references.</summary>
    public void Project(string name, string targetFramework = "net10.0", bool exe = false, string extra = "", params string[] references)
    {
        var refs = string.Concat(references.Select(r => $"""<ProjectReference Include="../{r}/{r}.csproj" />"""));
        var tfm = targetFramework.Contains(';') ? $"<TargetFrameworks>{targetFramework}</TargetFrameworks>" : $"<TargetFramework>{targetFramework}</TargetFramework>";
        Write($"src/{name}/{name}.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                {tfm}
                {(exe ? "<OutputType>Exe</OutputType>" : "")}
                <LangVersion>latest</LangVersion>
              </PropertyGroup>
              <ItemGroup>{refs}</ItemGroup>
              {extra}
            </Project>
            """);
        Write($"src/{name}/{name}.cs", exe
            ? "System.Console.WriteLine(\"hello\");\n"
            : $"namespace {name}; public static class Api {{ public static int Value => 42; }}\n");
    }

    /// <summary>
    /// A traversal project (the shape of a solution build) over the named projects, or every project
    /// under src/ when none is named. Returns its file name.
    /// </summary>
    public string Traversal(string name = "all.proj", params string[] projects)
    {
        var references = projects.Length == 0
            ? """<ProjectReference Include="src/*/*.csproj" />"""
            : string.Concat(projects.Select(p => $"""<ProjectReference Include="src/{p}/{p}.csproj" />"""));
        Write(name, $"""
            <Project DefaultTargets="Build">
              <ItemGroup>{references}</ItemGroup>
              <Target Name="Restore"><MSBuild Projects="@(ProjectReference)" Targets="Restore" /></Target>
              <Target Name="Build"><MSBuild Projects="@(ProjectReference)" Targets="Build" BuildInParallel="true" /></Target>
            </Project>
            """);
        return name;
    }

    public DotNet.Result Dotnet(params string[] args) => Dotnet(TimeSpan.FromMinutes(5), args);

    public DotNet.Result Dotnet(TimeSpan timeout, params string[] args) =>
        DotNet.Run(Root, NuGetPackages, timeout, [.. args, "-nodeReuse:false"]);

    /// <summary>Runs and requires success, showing the build output when it fails.</summary>
    public DotNet.Result Ok(params string[] args)
    {
        var result = Dotnet(args);
        Assert.True(result.ExitCode == 0, $"dotnet {string.Join(' ', args)} failed:\n{result.Output}");
        return result;
    }

    public BuildStore Store() => BuildStore.Open(StoreRoot);

    public static string Id(string project, string configuration = "Debug", string tfm = "net10.0") =>
        $"src/{project}/{project}.csproj|{configuration}|{tfm}";

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
