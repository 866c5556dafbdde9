using System.IO.Compression;
using System.Reflection;
using System.Runtime.Loader;
using BuildState.Sdk.Tests.Infrastructure;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace BuildState.Sdk.Tests;

/// <summary>
/// The tasks take their parameters through IGeneratedTask (no reflection stubs compiled in every
/// MSBuild node): every parameter MSBuild can hand a task of the package must land in its property,
/// and every output must read back, whether the task names it or leaves it to reflection.
/// </summary>
public sealed class TaskParameterTests(PackageFeed feed) : IClassFixture<PackageFeed>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("bst-tasks-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_parameter_lands_in_its_property_and_every_output_reads_back()
    {
        using (var zip = ZipFile.OpenRead(Path.Combine(feed.Folder, $"BuildState.Sdk.{PackageFeed.Version}.nupkg")))
        {
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("tasks/net10.0/", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 2 && e.Name.EndsWith(".dll", StringComparison.Ordinal)))
            {
                entry.ExtractToFile(Path.Combine(_dir, entry.Name));
            }
        }

        var context = new TasksContext(_dir);
        try
        {
            var assembly = context.LoadFromAssemblyPath(Path.Combine(_dir, "BuildState.Sdk.Tasks.dll"));
            var taskTypes = assembly.GetExportedTypes().Where(t => typeof(ITask).IsAssignableFrom(t) && !t.IsAbstract).ToList();
            Assert.True(taskTypes.Count >= 10, $"found {taskTypes.Count} task classes");
            var checkedParameters = 0;
            foreach (var type in taskTypes)
            {
                var task = Assert.IsAssignableFrom<IGeneratedTask>(Activator.CreateInstance(type));
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.DeclaringType!.Assembly == assembly))
                {
                    var info = new TaskPropertyInfo(property.Name, property.PropertyType, property.IsDefined(typeof(OutputAttribute)), property.IsDefined(typeof(RequiredAttribute)));
                    var sample = Sample(property.PropertyType, property.GetValue(task));
                    task.SetPropertyValue(info, sample);
                    Assert.True(Equals(sample, property.GetValue(task)), $"{type.Name}.{property.Name}: set through IGeneratedTask, the property holds {property.GetValue(task)}");
                    Assert.True(Equals(sample, task.GetPropertyValue(info)), $"{type.Name}.{property.Name}: read through IGeneratedTask, got {task.GetPropertyValue(info)}");
                    checkedParameters++;
                }
            }

            Assert.True(checkedParameters >= 40, $"checked {checkedParameters} parameters");
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>A value of <paramref name="type"/> that differs from the property's default.</summary>
    private static object Sample(Type type, object? current) => type switch
    {
        _ when type == typeof(string) => "value-" + Guid.NewGuid().ToString("N")[..6],
        _ when type == typeof(bool) => !(bool)current!,
        _ when type == typeof(int) => (int)current! + 7,
        _ when type == typeof(string[]) => new[] { "a", "b" },
        _ when type == typeof(ITaskItem) => new TaskItem("item"),
        _ when type == typeof(ITaskItem[]) => new ITaskItem[] { new TaskItem("a"), new TaskItem("b") },
        _ => throw new InvalidOperationException($"no sample for parameters of type {type}: add one"),
    };

    /// <summary>Loads the package's own assemblies; MSBuild's come from the test's context, as in MSBuild.</summary>
    private sealed class TasksContext(string dir) : AssemblyLoadContext("bst-tasks", isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var path = Path.Combine(dir, name.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
