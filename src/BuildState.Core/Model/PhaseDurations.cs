using System.Collections;

namespace BuildState.Model;

/// <summary>
/// Milliseconds spent in each phase, in the order the phases were first entered. Its own type
/// rather than a <c>Dictionary&lt;string, double&gt;</c>: .NET ships no precompiled code for that
/// instantiation, so every MSBuild node compiled about twenty of its methods the first time the
/// SDK recorded a run (docs/benchmarks.md, section 1, ninth round). A run enters a handful of
/// phases, so a linear search over two arrays is all it needs.
/// </summary>
public sealed class PhaseDurations : IEnumerable<KeyValuePair<string, double>>
{
    private string[] _phases = new string[4];
    private double[] _milliseconds = new double[4];

    /// <summary>How many phases have a duration.</summary>
    public int Count { get; private set; }

    /// <summary>The phases, in the order they were first entered.</summary>
    public IReadOnlyList<string> Keys
    {
        get
        {
            var keys = new string[Count];
            Array.Copy(_phases, keys, Count);
            return keys;
        }
    }

    /// <summary>A phase's milliseconds; setting it adds the phase when it has none yet.</summary>
    public double this[string phase]
    {
        get => TryGetValue(phase, out var ms) ? ms : throw new KeyNotFoundException($"no duration for phase '{phase}'");
        set
        {
            var at = Slot(phase); // first: it may replace the array
            _milliseconds[at] = value;
        }
    }

    /// <summary>The phase at <paramref name="index"/> (0 to <see cref="Count"/> - 1).</summary>
    public string PhaseAt(int index) => index < Count ? _phases[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The milliseconds of the phase at <paramref name="index"/>.</summary>
    public double MillisecondsAt(int index) => index < Count ? _milliseconds[index] : throw new ArgumentOutOfRangeException(nameof(index));

    public bool ContainsKey(string phase) => IndexOf(phase) >= 0;

    public bool TryGetValue(string phase, out double milliseconds)
    {
        var at = IndexOf(phase);
        milliseconds = at < 0 ? 0 : _milliseconds[at];
        return at >= 0;
    }

    /// <summary>Adds a phase; false when it has a duration already (nothing changes then).</summary>
    public bool TryAdd(string phase, double milliseconds)
    {
        if (IndexOf(phase) >= 0)
        {
            return false;
        }

        Append(phase, milliseconds);
        return true;
    }

    /// <summary>Adds a phase (a collection initializer's Add); throws when it has a duration already.</summary>
    public void Add(string phase, double milliseconds)
    {
        if (!TryAdd(phase, milliseconds))
        {
            throw new ArgumentException($"phase '{phase}' has a duration already", nameof(phase));
        }
    }

    /// <summary>Adds <paramref name="milliseconds"/> to the phase's total (a phase entered again in one run).</summary>
    public void AddTo(string phase, double milliseconds)
    {
        var at = Slot(phase); // first: it may replace the array
        _milliseconds[at] += milliseconds;
    }

    /// <summary>True when every duration is a finite number (what the store can write back).</summary>
    public bool AllFinite()
    {
        for (var i = 0; i < Count; i++)
        {
            if (!double.IsFinite(_milliseconds[i]))
            {
                return false;
            }
        }

        return true;
    }

    public PhaseDurations Clone() => new()
    {
        _phases = (string[])_phases.Clone(),
        _milliseconds = (double[])_milliseconds.Clone(),
        Count = Count,
    };

    public IEnumerator<KeyValuePair<string, double>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return new KeyValuePair<string, double>(_phases[i], _milliseconds[i]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_phases[i], phase, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The phase's index, the phase added (at 0 ms) when it has none yet.</summary>
    private int Slot(string phase)
    {
        var at = IndexOf(phase);
        if (at >= 0)
        {
            return at;
        }

        Append(phase, 0);
        return Count - 1;
    }

    private void Append(string phase, double milliseconds)
    {
        if (Count == _phases.Length)
        {
            var phases = new string[Count * 2];
            var ms = new double[Count * 2];
            Array.Copy(_phases, phases, Count);
            Array.Copy(_milliseconds, ms, Count);
            _phases = phases;
            _milliseconds = ms;
        }

        _phases[Count] = phase;
        _milliseconds[Count] = milliseconds;
        Count++;
    }
}
