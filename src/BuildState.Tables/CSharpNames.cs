using System.Globalization;

namespace BuildState.Tables;

/// <summary>C# naming rules for table, namespace and state names (no Roslyn dependency).</summary>
internal static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class",
        "const", "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event",
        "explicit", "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if",
        "implicit", "in", "int", "interface", "internal", "is", "lock", "long", "namespace", "new", "null",
        "object", "operator", "out", "override", "params", "private", "protected", "public", "readonly",
        "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct",
        "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>
    /// Contextual keywords that cannot name a type, or not in every place the generated code uses
    /// the name (the compiler rejects or warns about them); the generator makes a type of every
    /// state and of the table, so these names are reported. <c>partial</c> as a state makes its
    /// <c>To</c> method's return type read as a partial member (CS0751); <c>extension</c> cannot name
    /// a type from C# 14 on (CS9306). Escaping with <c>@</c> would not change the name on disk, but
    /// these names are rejected like the others rather than escaped in some places and not in others.
    /// Keep <c>buildstate.schema.json</c> in step (a test compares them).
    /// </summary>
    public static readonly IReadOnlyList<string> UnusableTypeNames = new[]
    {
        "var", "dynamic", "record", "nameof", "_", "value__", "__arglist", "__makeref", "__reftype", "__refvalue", "file", "required", "scoped", "field", "notnull", "unmanaged",
        "partial", "extension",
    };

    /// <summary>Undocumented keywords that <see cref="Keywords"/> does not escape: not usable in a namespace either.</summary>
    private static readonly HashSet<string> UndocumentedKeywords = new HashSet<string>(StringComparer.Ordinal)
    {
        "__arglist", "__makeref", "__reftype", "__refvalue",
    };

    private static readonly HashSet<string> UnusableTypeNameSet = new HashSet<string>(UnusableTypeNames, StringComparer.Ordinal);

    /// <summary>
    /// Names a state may not have because the generated code already uses them: members of the
    /// typestate class and of <c>object</c>, and <c>String</c> (its <c>ToString()</c> method would
    /// hide <c>object.ToString</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> ReservedStateNames = new[]
    {
        "State", "Start", "Phase", "FromPhase", "FromPhaseName", "TryFromPhaseName", "Instance", "TransitionTo",
        "Equals", "GetHashCode", "GetType", "ToString", "MemberwiseClone", "ReferenceEquals", "Finalize", "String",
    };

    /// <summary>
    /// The root namespaces the generated code names (<c>global::System...</c>, <c>global::BuildState...</c>).
    /// A table type with one of these names in the global namespace would hide the namespace.
    /// </summary>
    public static readonly IReadOnlyList<string> NamespacesOfGeneratedCode = new[] { "System", "BuildState" };

    /// <summary>
    /// Names the generated code itself uses in namespaces of its own: the types the generator
    /// declares in <c>BuildState</c> (the attributes, the exception), the namespace
    /// <c>BuildState.Lifecycle</c> and its <c>ILifecycleDefinition</c> (BuildState.Core), which the
    /// generated code names. A table type with one of these names there would clash (CS0101, CS0260).
    /// </summary>
    public static readonly IReadOnlyList<KeyValuePair<string, string>> NamesOfGeneratedCode = new[]
    {
        new KeyValuePair<string, string>("BuildState", "BuildStateMachineAttribute"),
        new KeyValuePair<string, string>("BuildState", "ToAttribute"),
        new KeyValuePair<string, string>("BuildState", "TerminalAttribute"),
        new KeyValuePair<string, string>("BuildState", "TransitionFromAttribute"),
        new KeyValuePair<string, string>("BuildState", "TransitionToAttribute"),
        new KeyValuePair<string, string>("BuildState", "InvalidTransitionException"),
        new KeyValuePair<string, string>("BuildState", "Lifecycle"),
        new KeyValuePair<string, string>("BuildState.Lifecycle", "ILifecycleDefinition"),
    };

    /// <summary>
    /// The name of the SDK's built-in lifecycle. The MSBuild tasks (<c>Machine="Default"</c> or
    /// none), the store and the CLI know a lifecycle by its name alone (the CLI in any case), so
    /// another table with this name would be taken for it: only the built-in table may have it.
    /// </summary>
    public const string BuiltInLifecycleName = "Default";

    /// <summary>
    /// The longest name .NET metadata takes, in UTF-8 bytes (the compiler's CS7013 beyond): a
    /// method or nested type name, and a top-level type's namespace, a dot and its name together.
    /// The 512-character limit of <see cref="IsValidIdentifier"/> is not enough: a non-ASCII
    /// character takes two to four bytes.
    /// </summary>
    public const int MaxMetadataNameBytes = 1023;

    /// <summary>The longest suffix the generator adds to a table name (<c>&lt;Name&gt;Transitions</c>).</summary>
    public const string LongestTableSuffix = "Transitions";

    /// <summary>The prefix the generator adds to a state name (its transition method <c>To&lt;State&gt;()</c>).</summary>
    public const string StatePrefix = "To";

    public static int Utf8Length(string s) => System.Text.Encoding.UTF8.GetByteCount(s);

    public static bool IsKeyword(string name) => Keywords.Contains(name);

    /// <summary>The name as a C# identifier: keywords get a leading <c>@</c>.</summary>
    public static string Escape(string name) => IsKeyword(name) ? "@" + name : name;

    /// <summary>A dotted namespace with every keyword part escaped.</summary>
    public static string EscapeNamespace(string ns)
    {
        if (ns.Length == 0)
        {
            return ns;
        }

        var parts = ns.Split('.');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Escape(parts[i]);
        }

        return string.Join(".", parts);
    }

    /// <summary>True for an identifier C# accepts (keywords count as valid: they are escaped).</summary>
    public static bool IsValidIdentifier(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 512)
        {
            return false;
        }

        if (!IsIdentifierStart(name[0]))
        {
            return false;
        }

        for (var i = 1; i < name.Length; i++)
        {
            if (!IsIdentifierPart(name[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>True for a name a generated type can carry (valid, and not a contextual keyword the compiler refuses).</summary>
    public static bool IsUsableTypeName(string name) => IsValidIdentifier(name) && !UnusableTypeNameSet.Contains(name);

    public static bool IsValidNamespace(string ns)
    {
        if (ns.Length == 0)
        {
            return true;
        }

        foreach (var part in ns.Split('.'))
        {
            if (!IsValidIdentifier(part) || part == "global" || UndocumentedKeywords.Contains(part))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsIdentifierStart(char c)
    {
        if (c == '_')
        {
            return true;
        }

        switch (CharUnicodeInfo.GetUnicodeCategory(c))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.LetterNumber:
                return true;
            default:
                return false;
        }
    }

    private static bool IsIdentifierPart(char c)
    {
        if (IsIdentifierStart(c))
        {
            return true;
        }

        switch (CharUnicodeInfo.GetUnicodeCategory(c))
        {
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.ConnectorPunctuation:
            case UnicodeCategory.NonSpacingMark:
            case UnicodeCategory.SpacingCombiningMark:
                return true;
            default:
                return false;
        }
    }
}
