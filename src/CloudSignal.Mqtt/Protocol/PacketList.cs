using System.Collections;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// An immutable list inside a packet (subscriptions, reason codes, topic filters) with
/// content equality, so packets compare by value.
/// </summary>
internal readonly struct PacketList<T> : IEquatable<PacketList<T>>, IReadOnlyList<T>
{
    private readonly T[]? _items;

    public PacketList(T[] items) => _items = items;

    public int Count => _items?.Length ?? 0;

    public ReadOnlySpan<T> Span => _items;

    public T this[int index] => (_items ?? [])[index];

    public static implicit operator PacketList<T>(T[] items) => new(items);

    public ReadOnlySpan<T>.Enumerator GetEnumerator() => Span.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => ((IEnumerable<T>)(_items ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => (_items ?? []).GetEnumerator();

    public bool Equals(PacketList<T> other) => Span.SequenceEqual(other.Span, EqualityComparer<T>.Default);

    public override bool Equals(object? obj) => obj is PacketList<T> other && Equals(other);

    public override int GetHashCode() => Count;

    public override string ToString() => $"[{string.Join(", ", _items ?? [])}]";

    public static bool operator ==(PacketList<T> left, PacketList<T> right) => left.Equals(right);

    public static bool operator !=(PacketList<T> left, PacketList<T> right) => !left.Equals(right);
}
