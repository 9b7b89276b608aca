{#- Bronze: every event as it landed in the lake, with its Hive partition (dt, hour). Where it is read from
    differs by target (see macros/bronze.sql); the columns and types do not. -#}
{{ bronze_events_select() }}
