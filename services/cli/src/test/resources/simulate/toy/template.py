{{norm}}
{{proj}}
{{gate}}
{{prec}}
