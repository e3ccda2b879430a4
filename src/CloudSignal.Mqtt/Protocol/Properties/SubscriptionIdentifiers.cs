using System.Buffers;

namespace CloudSignal.Mqtt.Protocol;

/// <summary>
/// The Subscription Identifiers (0x0B) of a PUBLISH: a server sends one per matching
/// subscription (5.0 §3.3.2.3.8). Like <see cref="UserProperties"/>, a decoded packet keeps a
/// view over its property block instead of a list.
/// </summary>
internal readonly struct SubscriptionIdentifiers : IEquatable<SubscriptionIdentifiers>
{
    private readonly uint[]? _list;
    private readonly ReadOnlySequence<byte> _block;
    private readonly long _blockOffset;

    public SubscriptionIdentifiers(uint[] list)
    {
        _list = list;
        Count = list.Length;
    }

    private SubscriptionIdentifiers(in ReadOnlySequence<byte> block, long blockOffset, int count)
    {
        _block = block;
        _blockOffset = blockOffset;
        Count = count;
    }

    public int Count { get; }

    public static implicit operator SubscriptionIdentifiers(uint[] list) => new(list);

    internal static SubscriptionIdentifiers FromBlock(in ReadOnlySequence<byte> block, long blockOffset, int count) =>
        count == 0 ? default : new(block, blockOffset, count);

    public int GetEncodedSize()
    {
        int size = 0;
        if (_list is not null)
        {
            // The application's array, walked in place: no enumerator.
            foreach (uint id in _list)
            {
                size += 1 + VariableByteInteger.GetSize((int)Check(id));
            }
        }
        else if (Count != 0)
        {
            foreach (uint id in this)
            {
                size += 1 + VariableByteInteger.GetSize((int)Check(id));
            }
        }

        return size;
    }

    public void Write(ref MqttWriter writer)
    {
        if (_list is not null)
        {
            foreach (uint id in _list)
            {
                writer.WriteByte((byte)PropertyId.SubscriptionIdentifier);
                writer.WriteVariableByteInteger((int)id);
            }
        }
        else if (Count != 0)
        {
            foreach (uint id in this)
            {
                writer.WriteByte((byte)PropertyId.SubscriptionIdentifier);
                writer.WriteVariableByteInteger((int)id);
            }
        }
    }

    /// <summary>1 … 268,435,455 (5.0 §3.3.2.3.8); 0 is a Protocol Error.</summary>
    public static uint Check(uint id) =>
        id is 0 or > VariableByteInteger.MaxValue
            ? ThrowHelper.Invalid<uint>(MqttReasonCode.ProtocolError, "Subscription Identifier", $"{id} is outside 1 … 268,435,455")
            : id;

    public Enumerator GetEnumerator() => new(this);

    public bool Equals(SubscriptionIdentifiers other)
    {
        if (Count != other.Count)
        {
            return false;
        }

        Enumerator left = GetEnumerator();
        Enumerator right = other.GetEnumerator();
        while (left.MoveNext() && right.MoveNext())
        {
            if (left.Current != right.Current)
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => obj is SubscriptionIdentifiers other && Equals(other);

    public override int GetHashCode() => Count;

    public override string ToString()
    {
        var parts = new List<uint>(Count);
        foreach (uint id in this)
        {
            parts.Add(id);
        }

        return $"[{string.Join(", ", parts)}]";
    }

    public static bool operator ==(SubscriptionIdentifiers left, SubscriptionIdentifiers right) => left.Equals(right);

    public static bool operator !=(SubscriptionIdentifiers left, SubscriptionIdentifiers right) => !left.Equals(right);

    public ref struct Enumerator
    {
        private readonly uint[]? _list;
        private PropertyReader _reader;
        private int _index;
        private bool _hasBlock;

        internal Enumerator(SubscriptionIdentifiers owner)
        {
            _list = owner._list;
            _index = -1;
            Current = 0;

            // Only a decoded packet has a block to walk; an array or an empty set needs no reader.
            if (_list is null && owner.Count != 0)
            {
                _reader = PropertyReader.OpenValidated(owner._block, owner._blockOffset);
                _hasBlock = true;
            }
        }

        public uint Current { get; private set; }

        public bool MoveNext()
        {
            if (_list is not null)
            {
                if (++_index >= _list.Length)
                {
                    return false;
                }

                Current = _list[_index];
                return true;
            }

            while (_hasBlock && _reader.TryRead(out Property p))
            {
                if (p.Id == PropertyId.SubscriptionIdentifier)
                {
                    Current = p.Integer;
                    return true;
                }
            }

            return false;
        }
    }
}
