# Aplicación web de Recobro, mensajes en español. Cada mensaje tiene su
# equivalente en inglés en ../en/main.ftl; una prueba falla si falta uno.

## Navegación y estructura
nav-skip = Ir al contenido
nav-label = Navegación principal
nav-dashboard = Tablero
nav-customers = Clientes
nav-worklist = Agenda de gestiones
nav-problem-cases = Cartera problema
nav-legal-candidates = Cobranza judicial
nav-import = Importar
nav-portfolios = Carteras
nav-language = Idioma
nav-language-apply = Cambiar
nav-logout = Cerrar sesión
as-of = Al { $date }
filter-all = Todos
filter-apply = Aplicar
pager-label = Páginas
pager-first = Primera página
pager-next = Página siguiente

## Inicio de sesión
login-title = Iniciar sesión
login-username = Usuario
login-password = Contraseña
login-submit = Entrar
login-failed = El usuario o la contraseña no son correctos.
login-too-many = Demasiados intentos fallidos. Espere 15 minutos y vuelva a intentarlo.

## Errores
error-title = Algo salió mal
error-home = Volver a la página de inicio
error-unauthenticated = Inicie sesión para continuar.
error-forbidden = No tiene permiso para ver o cambiar esto.
error-not-found = No se encontró la página o el registro.
error-csrf = El formulario caducó o no proviene de este sitio. Recargue la página y envíelo de nuevo.
error-bad-request = La solicitud no es válida.
error-too-many-attempts = Demasiados intentos fallidos. Espere 15 minutos y vuelva a intentarlo.
error-internal = Ocurrió un error interno. Los detalles están en el registro del servidor.

## Carteras
portfolios-title = Carteras
portfolios-empty = Todavía no hay carteras. Cree una desde la línea de comandos: recobro portfolio add.
portfolios-code = Código
portfolios-name = Nombre
portfolios-currency = Moneda

## Tablero
dashboard-figures = Cifras clave
dashboard-total = Saldo total
dashboard-overdue = Saldo vencido
dashboard-customers = Clientes con saldo
dashboard-problem-cases = Cartera problema (90+ días)
dashboard-legal-candidates = Candidatos a cobranza judicial (121+ días)
dashboard-open-cases = Casos abiertos
dashboard-aging = Reporte de antigüedad de saldos
dashboard-aging-chart = Saldo por días de mora
dashboard-runs = Procesos diarios
dashboard-no-runs = Aún no hay proceso diario. Ejecute uno con: recobro run --portfolio CÓDIGO --as-of FECHA.
aging-bucket = Días de mora
aging-items = Partidas abiertas
aging-amount = Importe
aging-unapplied = Pagos no aplicados
aging-total = Total
runs-date = Fecha
runs-tasks = Tareas creadas
runs-duration = Duración (ms)

## Lista de clientes
customers-title = Clientes
customers-search = Nombre o referencia
customers-bucket = Días de mora
customers-stage = Etapa
customers-collector = Gestor de cobranza
customers-segment = Segmento
customers-sort = Ordenar por
customers-empty = Ningún cliente coincide con estos filtros.
customers-count = { $count } clientes

## Ficha del cliente
customer-reference = Referencia
customer-name = Cliente
customer-status = Relación comercial
customer-region = Región
customer-channel = Canal preferido
customer-email = Correo electrónico
customer-phone = Teléfono
customer-tax-id = Identificación fiscal
customer-log-action = Registrar una gestión de cobranza
case-title = Caso de cobranza
case-none = Este cliente no tiene un caso de cobranza abierto.
case-days-past-due = Días de mora
case-overdue = Saldo vencido
case-balance = Saldo
case-next-action = Próxima gestión
documents-open = Documentos abiertos
documents-none-open = No hay documentos abiertos.
documents-settled = Documentos pagados
documents-none-settled = No hay documentos pagados.
document-number = Número
document-kind = Tipo
document-issued = Emisión
document-due = Vencimiento
document-amount = Importe
document-open = Saldo pendiente
document-dispute = Disputa
document-disputed = En disputa
document-settled-on = Pagado el
payments-title = Pagos y aplicaciones de pago
payments-none = No hay pagos registrados.
payment-reference = Referencia
payment-date = Fecha
payment-allocations = Aplicado a
actions-title = Gestiones de cobranza
actions-none = Todavía no hay gestiones de cobranza registradas.
accounts-title = Cuentas (saldo y días de mora según la entrega)
account-reference = Cuenta
account-snapshot-date = Fecha del corte
account-credit-limit = Límite de crédito

## Registrar una gestión
action-title = Registrar una gestión de cobranza
action-errors = La gestión no se guardó. Corrija lo siguiente:
action-date = Fecha
action-kind = Gestión
action-outcome = Resultado
action-outcome-none = (sin resultado)
action-promise = Promesa de pago
action-promise-hint = Indique el importe y la fecha cuando el cliente promete un pago.
action-promise-amount = Importe
action-promise-date = Fecha prometida
action-dispute = Disputa
action-dispute-hint = Seleccione los documentos en disputa e indique el motivo del cliente. Los documentos en disputa no reciben recordatorios ni escalamiento hasta que se resuelva la disputa.
action-dispute-reason = Motivo
action-notes = Notas
action-next-date = Próxima gestión el
action-save = Guardar gestión
action-cancel = Cancelar
action-error-required = { $field } es obligatorio.
action-error-date = { $field }: «{ $value }» no es una fecha válida.
action-error-choice = { $field }: «{ $value }» no es una de las opciones.
action-error-amount = El importe prometido «{ $value }» no es un importe válido mayor que cero.
action-error-promise-incomplete = Una promesa de pago necesita un importe y una fecha.
action-error-promise-past = La fecha prometida no puede ser anterior a la fecha de la gestión.
action-error-dispute-incomplete = Una disputa necesita el resultado «Disputa», al menos un documento y un motivo.
action-error-next-past = La fecha de la próxima gestión no puede ser anterior a la fecha de la gestión.

## Agenda de gestiones
worklist-title = Agenda de gestiones
worklist-everyone = Todos los gestores
worklist-count = { $count ->
    [one] 1 tarea pendiente
   *[other] { $count } tareas pendientes
}
pager-previous = Página anterior
worklist-empty = No hay nada pendiente. El proceso diario crea las tareas de cada caso.
worklist-priority = Prioridad
worklist-task = Tarea
worklist-due = Vence
worklist-actions = Acciones
worklist-log = Registrar gestión

## Cartera problema y candidatos a cobranza judicial
problem-cases-title = Cartera problema
problem-cases-intro = Clientes con 90 o más días de mora en su documento impago más antiguo que no esté en disputa, con su última y su próxima gestión.
legal-candidates-title = Candidatos a cobranza judicial
legal-candidates-intro = Clientes con más de 120 días de mora: prepare la carta prejudicial y proponga el traspaso a un estudio jurídico.
cases-empty = No hay casos en esta lista.
cases-last-action = Última gestión
cases-no-action = Sin gestiones

## Etiquetas de códigos
bucket-current = Vigente
bucket-1-30 = 1-30 días
bucket-31-60 = 31-60 días
bucket-61-90 = 61-90 días
bucket-91-120 = 91-120 días
bucket-121-plus = Más de 120 días
stage-reminder = Recordatorio
stage-second-reminder = Segundo recordatorio
stage-formal-notice = Aviso formal
stage-problem-case = Cartera problema
stage-judicial-candidate = Candidato a cobranza judicial
task-reminder = Recordatorio
task-call-task = Llamada
task-formal-notice = Aviso formal
task-demand-letter-draft = Borrador de carta prejudicial
task-legal-transfer-proposal = Propuesta de traspaso a cobranza judicial
task-follow-up = Seguimiento
task-broken-promise = Seguimiento de promesa incumplida
task-visit-task = Visita
task-credit-hold = Bloqueo de crédito
channel-visit = Visita
action-call = Llamada
action-email = Correo electrónico
action-letter = Carta
action-sms = SMS
action-visit = Visita
action-note = Nota
action-legal-update = Novedad judicial
outcome-contact = Contacto
outcome-no-contact = Sin contacto
outcome-promise-to-pay = Promesa de pago
outcome-refused = Se niega a pagar
outcome-dispute = Disputa
outcome-wrong-number = Número equivocado
outcome-paid = Dice que pagó
channel-email = Correo electrónico
channel-letter = Carta
channel-sms = SMS
channel-phone = Teléfono
kind-invoice = Factura
kind-debit-note = Nota de débito
kind-credit-note = Nota de crédito
status-active = Activo
status-watch = En observación
status-credit-hold = Bloqueo de crédito
status-do-not-continue = No continuar relación comercial
role-admin = Administrador
role-manager = Jefe de cobranza
role-collector = Gestor de cobranza
role-legal = Abogado
role-viewer = Consulta
sort-days-past-due = Días de mora
sort-balance = Saldo
sort-name = Nombre
sort-reference = Referencia

## Importación
import-title = Importar un archivo
import-intro = Se revisa todo el archivo antes de guardar nada: si alguna fila tiene un error, no se importa nada. Importar de nuevo el mismo archivo no cambia nada.
import-file = Archivo (CSV o XLSX)
import-source = Contenido del archivo
import-source-profiles = Perfiles de mapeo incluidos
import-source-kinds = Un tipo de registro
import-source-hint = Con un tipo de registro, las columnas deben llevar el nombre de los campos, salvo que agregue un perfil de mapeo.
import-mapping = Perfil de mapeo (opcional)
import-mapping-hint = Un archivo TOML que indica qué columna contiene cada campo. Úselo solo con un tipo de registro.
import-submit = Importar
import-not-imported = El archivo no se importó. Corrija lo siguiente:
import-summary = Resultado de la importación
import-done = Se importó { $file } con el perfil { $profile } (filas leídas: { $rows }).
import-nothing-new = { $file } no tenía nada nuevo, así que no se guardó nada (perfil { $profile }, filas leídas: { $rows }).
import-records = Registros
import-created = Creados
import-updated = Actualizados
import-unchanged = Sin cambios
import-rejected = El archivo fue rechazado
import-rejected-intro = No se guardó nada. Corrija estas filas en el archivo e impórtelo de nuevo.
import-more-errors = Errores no listados: { $count }.
import-error-file = Archivo
import-error-line = Línea
import-error-column = Columna
import-error-value = Valor
import-error-problem = Problema
import-error-hint = Qué hacer
import-error-no-file = Elija el archivo que desea importar.
import-error-no-source = Elija un perfil incluido o un tipo de registro.
import-error-unknown-source = «{ $value }» no es una de las opciones.
import-error-mapping-with-profile = Un perfil de mapeo se usa con un tipo de registro, no con un perfil incluido.
import-error-mapping = El perfil de mapeo no es válido: { $detail }
import-error-too-large = El archivo supera el límite de { $limit }. Divídalo e importe las partes.
import-error-unreadable = No se pudo leer el archivo: { $detail }
import-profile-ibm-ar = Muestra de cuentas por cobrar de IBM (ibm-ar)
import-profile-uci-cards = Clientes de tarjetas de crédito UCI (uci-cards)
import-kind-customers = Clientes
import-kind-documents = Documentos
import-kind-payments = Pagos
import-kind-allocations = Aplicaciones de pago
import-kind-disputes = Disputas
import-kind-actions = Gestiones de cobranza
import-kind-snapshot = Corte de cartera
import-kind-snapshot-accounts = Cuentas del corte de cartera

# Row errors of a rejected import, one pair per code of RowErrorCode in
# crates/app/src/import/error.rs.
import-row-mapped-column-missing = Falta la columna «{ $column }», asignada a { $field }.
import-hint-mapped-column-missing = El encabezado tiene: { $headers }. Corrija el encabezado o el perfil de mapeo.
import-row-required-column-missing = Falta la columna «{ $column }» del campo obligatorio { $field }.
import-hint-required-column-missing = El encabezado tiene: { $headers }. Cambie el nombre de la columna o asígnela en un perfil de mapeo.
import-row-unexpected-value = Valor no admitido en { $field }.
import-hint-unexpected-value = Valores admitidos: { $accepted }.
import-row-invalid-months = { $field } no es un número entero de meses.
import-hint-invalid-months = Escriba un número entero, como -1, 0 o 3.
import-row-empty-required = { $field } es obligatorio y está vacío.
import-hint-empty-required = Complete la celda.
import-row-invalid-date = Fecha no válida en { $field }.
import-hint-invalid-date = Se espera el formato { $format } (por ejemplo, { $example }) o AAAA-MM-DD. Corrija la celda o defina date_format en el perfil de mapeo.
import-row-invalid-currency = Código de moneda no válido: «{ $value }».
import-hint-invalid-currency = Escriba tres letras, como USD, EUR o MXN.
import-row-no-currency = El registro no tiene moneda.
import-hint-no-currency = Agregue una columna currency o defina currency en la tabla [format] del perfil de mapeo.
import-row-invalid-amount = Importe no válido en { $field }.
import-hint-invalid-amount = Se espera un número con el separador decimal «{ $decimal }» y { $thousands ->
        [none] sin separador de miles
       *[other] el separador de miles «{ $thousands }»
    }. Corrija la celda o defina decimal_separator y thousands_separator en el perfil de mapeo.
import-row-too-many-decimals = { $amount } tiene más decimales de los que admite { $currency } ({ $digits }).
import-hint-too-many-decimals = Redondee el importe en el origen.
import-row-amount-too-large = { $amount } { $currency } es demasiado grande para guardarlo.
import-hint-amount-too-large = Revise el importe en el origen.
import-row-amount-not-positive = { $field } debe ser mayor que cero.
import-hint-amount-not-positive = Un crédito se registra como documento credit_note, no como importe negativo.
import-row-amount-negative = { $field } debe ser cero o más.
import-hint-amount-negative = Un crédito se registra como documento credit_note, no como importe negativo.
import-row-invalid-integer = Número entero no válido en { $field }.
import-hint-invalid-integer = Escriba dígitos, como 0 o 45.
import-row-due-before-issue = La fecha de vencimiento { $due_date } es anterior a la fecha de emisión { $issue_date }.
import-hint-due-before-issue = Revise las dos columnas de fecha y el date_format del perfil de mapeo.
import-row-allocation-source = Una aplicación de pago necesita exactamente un origen: un pago o una nota de crédito.
import-hint-allocation-source = Complete una de las dos columnas, payment o credit_note.
import-row-negative-days-past-due = Los días de mora no pueden ser negativos.
import-hint-negative-days-past-due = Use 0 para una cuenta sin mora.
import-row-customer-repeated = El cliente «{ $customer }» aparece de nuevo con otros valores en { $fields } que en la línea { $line }.
import-hint-customer-repeated = Deje una fila por cliente, haga que las filas coincidan o asigne latest_by a una columna de fecha para que gane la fila más reciente.
import-row-unknown-customer = No existe el cliente «{ $customer }».
import-hint-unknown-customer = Importe primero el cliente (tipo Clientes) o agréguelo al mismo archivo.
import-row-document-changed = La { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } { $number } ya está guardada con otros datos: { $differences } (entre paréntesis, el valor guardado).
import-hint-document-changed = Una importación nunca cambia un documento guardado. Registre una nota de crédito o de débito.
import-row-document-repeated = La { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } { $number } aparece de nuevo con otros datos que en la línea { $line }: { $differences } (entre paréntesis, el valor de la línea { $line }).
import-hint-document-repeated = Cada número de documento debe aparecer una sola vez por tipo.
import-row-payment-changed = El pago { $payment } ya está guardado con otros datos (cliente { $customer }, pagado el { $paid_on }, importe { $amount } { $currency }).
import-hint-payment-changed = Una importación nunca cambia un pago guardado. Dé al pago corregido su propia referencia.
import-row-payment-repeated = El pago { $payment } aparece de nuevo con otros datos que en la línea { $line }.
import-hint-payment-repeated = Cada referencia de pago debe aparecer una sola vez.
import-row-customer-currency-decimals = { $amount } tiene más decimales de los que admite { $currency }, la moneda del cliente { $customer } ({ $digits }).
import-hint-customer-currency-decimals = Redondee el importe en el origen o agregue una columna currency.
import-row-customer-currency-too-large = { $amount } { $currency } (la moneda del cliente { $customer }) es demasiado grande para guardarlo.
import-hint-customer-currency-too-large = Revise el importe en el origen o agregue una columna currency.
import-row-unknown-document = No existe la { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } «{ $number }».
import-hint-unknown-document = Importe primero el documento (tipo Documentos) o agréguelo al mismo archivo.
import-row-allocation-to-credit-note = La { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } { $number } no puede recibir una aplicación de pago.
import-hint-allocation-to-credit-note = Aplique a una factura o a una nota de débito.
import-row-allocation-other-customer = No se puede aplicar { $source_kind ->
        [payment] el pago
       *[credit_note] la nota de crédito
    } { $source } del cliente { $source_customer } a la { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } { $number } del cliente { $customer }.
import-hint-allocation-other-customer = Revise las columnas de cliente y de documento.
import-row-allocation-currency = La moneda de { $source_kind ->
        [payment] el pago
       *[credit_note] la nota de crédito
    } { $source } es { $source_currency } y la de la { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } { $number } es { $currency }.
import-hint-allocation-currency = Aplique solo entre importes de la misma moneda.
import-row-allocation-over-unallocated = La aplicación de { $amount } { $currency } es mayor que lo que queda sin aplicar de { $source_kind ->
        [payment] el pago
       *[credit_note] la nota de crédito
    } { $source } ({ $left }).
import-hint-allocation-over-unallocated = Reduzca la aplicación o revise el importe del pago.
import-row-allocation-over-open = La aplicación de { $amount } { $currency } es mayor que el saldo pendiente de la { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } { $number } ({ $open }).
import-hint-allocation-over-open = Reduzca la aplicación. El resto del pago queda sin aplicar.
import-row-unknown-payment = No existe el pago «{ $payment }».
import-hint-unknown-payment = Importe primero el pago (tipo Pagos).
import-row-allocation-changed = Esta aplicación a la { $kind ->
        [invoice] factura
        [debit_note] nota de débito
       *[credit_note] nota de crédito
    } { $number } ya está guardada con el importe { $amount }.
import-hint-allocation-changed = Una importación nunca cambia una aplicación de pago guardada.
import-row-snapshot-repeated = La cuenta { $account } del { $date } aparece de nuevo con otros datos que en la línea { $line }.
import-hint-snapshot-repeated = Deje una fila por cuenta y fecha de corte.
import-row-snapshot-changed = La cuenta { $account } ya está guardada para el { $date } con el saldo { $balance } y { $days } días de mora.
import-hint-snapshot-changed = Un corte de cartera nunca cambia. Entregue un corte de fecha posterior.

## Política de cobranza
nav-policy = Política
policy-title = Política de cobranza
policy-intro = Las etapas del procedimiento de cobranza por días de mora y las tareas que crea cada etapa. Cada cambio es una versión nueva con fecha de vigencia y queda en el registro de auditoría.
policy-in-force = versión vigente desde el { $date }, definida por { $user }
policy-default = la política predeterminada
policy-saved = La política se guardó. Se aplica desde su fecha de vigencia.
policy-errors = La política no se guardó. Corrija lo siguiente:
policy-simulation-title = Simulación sobre la cartera de hoy
policy-simulation-note = Casos y saldo vencido por etapa con la política vigente y con su propuesta. No se guardó nada.
policy-current = Política vigente
policy-proposed = Propuesta
policy-cases = Casos
policy-unstaged = Vencidos, sin etapa
policy-edit = Editar la política
policy-text = Política (TOML)
policy-text-hint = Un bloque [[stage]] por etapa: code, min_days_past_due, actions y, opcionalmente, owner (collector, manager o legal), segment y min_balance.
policy-effective = Vigente desde
policy-read-only = Solo los jefes de cobranza y los administradores pueden guardar una política; usted puede simularla.
policy-simulate = Simular
policy-save = Guardar como versión nueva
policy-versions = Versiones
policy-no-versions = No se guardó ninguna versión: se aplica la política predeterminada.
policy-set-by = Definida por
policy-set-at = Guardada el
policy-error-date = La fecha de vigencia «{ $value }» no es una fecha válida.
policy-error-past = La fecha de vigencia debe ser posterior al { $date }, la fecha del último proceso diario, para que no cambie ningún proceso pasado.

## Equipo
nav-team = Equipo
team-title = Equipo de cobranza
team-workload = Carga de trabajo por gestor
team-customers = Clientes
team-open-tasks = Tareas pendientes
team-unassigned = (sin asignar)
team-move = Traspasar todos los clientes de un gestor
team-from = De
team-to = A
team-move-submit = Traspasar clientes
team-unassigned-title = Clientes sin asignar
team-none-unassigned = Todos los clientes están asignados.
team-select = Seleccionar
team-assign-submit = Asignar los clientes seleccionados
team-moved = Se asignaron { $count } clientes. Sus tareas pendientes pasaron con ellos.
team-teams = Equipos y capacidad
team-no-teams = Todavía no hay equipos. Defínalos abajo con sus integrantes y capacidades, y después añada las reglas que les asignan clientes.
team-team = Equipo
team-capacity = Capacidad
team-use = Ocupación
team-full = Completo
team-region = Región
team-band = Saldo
team-rules = Reglas de asignación (se aplica la primera que coincide)
team-no-rules = Todavía no hay reglas de asignación.
team-rule-any = cualquiera
team-band-from = desde { $min }
team-band-below = menos de { $max }
team-band-between = desde { $min } hasta menos de { $max }
team-assign-by-rules = Asignar por estas reglas los clientes sin asignar
team-rules-assigned = Se asignaron { $assigned } clientes según las reglas; { $left } siguen sin asignar porque ninguna regla coincide o el equipo está completo.
team-edit = Editar equipos y reglas
team-config-label = Equipos y reglas (TOML)
team-config-hint = Cada [[team]] lleva code, name y members = [{"{"} collector = "ana", capacity = 300 {"}"}]; capacity es el máximo de clientes con caso abierto. Cada [[rule]] indica un team y puede fijar segment, region, min_balance (incluido) y max_balance (excluido).
team-config-save = Guardar equipos y reglas
team-config-saved = Se guardaron los equipos y las reglas.
team-config-file = archivo de equipos
suggestions-title = Sugerencias de estado por decidir
suggestions-none = No hay sugerencias pendientes.
suggestions-current = Estado actual
suggestions-suggested = Estado sugerido
suggestions-reason = Motivo
suggestions-since = Sugerida el
suggestions-decision = Decisión
suggestion-reason-broken-promises = Dos o más promesas de pago incumplidas en el último año
suggestion-reason-judicial-transfer = El caso llegó a la etapa de traspaso a cobranza judicial
suggestion-confirm = Confirmar
suggestion-dismiss = Descartar
suggestion-confirmed = Se confirmó la sugerencia y cambió el estado del cliente.
suggestion-dismissed = Se descartó la sugerencia; no se volverá a proponer.
suggestion-already-decided = Otra persona ya decidió esta sugerencia.

## Negociación: convenios de pago, ofertas de pago único y castigos
nav-approvals = Aprobaciones
approvals-title = Aprobaciones
approvals-intro = Convenios de pago, ofertas de pago único y castigos que esperan la decisión de un gerente o de un administrador.
approvals-none = Nada espera aprobación.
approvals-none-of-kind = Ninguno pendiente.
negotiation-title = Negociación
negotiation-propose-plan = Proponer un convenio de pago
negotiation-make-offer = Hacer una oferta de pago único
negotiation-request-write-off = Solicitar un castigo
negotiation-none = No hay convenios de pago, ofertas de pago único ni castigos.
negotiation-record = Registro
negotiation-date = Fecha
negotiation-customer = Cliente
negotiation-proposed-by = Propuesto por
negotiation-decided-by = Decidido por
negotiation-status = Estado
negotiation-kind-plan = Convenio de pago
negotiation-kind-offer = Oferta de pago único
negotiation-kind-write-off = Castigo
negotiation-plans = Convenios de pago
negotiation-offers = Ofertas de pago único
negotiation-write-offs = Castigos
negotiation-required-role = Debe aprobarlo
negotiation-terms = Condiciones
negotiation-reason = Motivo
negotiation-reason-hint = Obligatorio para rechazar; queda en el expediente del cliente.
negotiation-decision = Decisión
negotiation-approve = Aprobar
negotiation-reject = Rechazar
negotiation-yes = Sí
negotiation-no = No
negotiation-form-errors = Corrija estos campos y envíe el formulario de nuevo:
negotiation-amount-hint = Escriba los importes como { $example }.
negotiation-error-amount = «{ $value }» no es un importe válido de cero o más. Escríbalo como { $example }.
negotiation-error-choice = Elija una de las opciones.
negotiation-error-date = «{ $value }» no es una fecha válida.
negotiation-error-reason = Escriba el motivo del rechazo.
negotiation-error-beyond-authority = Su rol ({ $role }) no puede aprobar esto: necesita la aprobación de un { $required } o superior.
negotiation-error-wrong-status = Este registro ya está en estado «{ $status }», así que ya no se puede decidir. Recargue la página para ver la decisión.
negotiation-error-open-offer = Este cliente ya tiene la oferta de pago único { $id } ({ $status }, pago hasta el { $pay_by }). Un cliente tiene una sola oferta a la vez: rechace o cancele esa primero, o espere a que venza.
negotiation-status-proposed = Propuesto
negotiation-status-rejected = Rechazado
negotiation-status-active = Vigente
negotiation-status-completed = Cumplido
negotiation-status-broken = Incumplido
negotiation-status-cancelled = Cancelado
negotiation-status-pending-approval = Pendiente de aprobación
negotiation-status-approved = Aprobado
negotiation-status-paid = Pagado
negotiation-status-expired = Vencido
approver-collector = gestor de cobranza
approver-manager = gerente de cobranza
approver-director = director (administrador)
frequency-monthly = Mensual
frequency-biweekly = Cada 14 días
frequency-weekly = Semanal
method-french = Cuotas iguales (francés)
method-flat = Interés fijo
installment-status-paid = Pagada
installment-status-partly-paid = Pagada en parte
installment-status-upcoming = Por vencer
installment-status-overdue = Vencida
plan-form-title = Proponer un convenio de pago
plan-limits-hint = Sus convenios entran en vigor de inmediato con un máximo de { $installments } cuotas, un pago inicial de al menos { $percent } % y un plazo de hasta { $days } días. Fuera de estos límites, el convenio espera aprobación.
plan-limits-none = Sus convenios entran en vigor de inmediato: su rol no tiene límites de convenio.
plan-limits-hint-no-term = Sus convenios entran en vigor de inmediato con un máximo de { $installments } cuotas y un pago inicial de al menos { $percent } %. Fuera de estos límites, el convenio espera aprobación.
plan-letter-download = Descargar la carta del convenio (PDF)
plan-error-installments = «{ $value }» no es un número de cuotas de 1 a { $max }.
plan-error-first-due-past = La primera cuota no puede vencer antes del { $date }.
plan-error-rate = «{ $value }» no es una tasa anual de 0 a { $max } %.
plan-error-grace-days = «{ $value }» no es un número entero de días.
plan-breach-installments = { $count } cuotas: un { $role } puede conceder como máximo { $max }.
plan-breach-down-payment = Pago inicial de { $amount }: un { $role } necesita al menos { $required }.
plan-breach-term = Plazo de { $days } días: un { $role } puede conceder como máximo { $max } días.
plan-breach-installment-amount = La cuota { $number } es de { $amount }: un { $role } necesita al menos { $min }.
plan-preview-title = Vista previa del calendario de cuotas
plan-preview-not-saved = Esta vista previa no se guarda. Proponga el convenio para guardarlo.
plan-total = Saldo incluido
plan-down-payment = Pago inicial
plan-financed = Financiado
plan-interest = Intereses
plan-principal = Capital
plan-amount-due = Total a pagar
plan-within-limits = Dentro de sus límites: el convenio entra en vigor en cuanto lo proponga.
plan-beyond-limits = Fuera de sus límites, así que el convenio esperará aprobación:
plan-installments = Cuotas
plan-installment-number = N.º
plan-documents = Documentos incluidos
plan-disputed-left-out = Documentos en disputa que quedan fuera:
plan-installment-count = Cuotas
plan-frequency = Frecuencia
plan-first-due = Vencimiento de la primera cuota
plan-rate = Tasa de interés anual (%)
plan-method = Método de interés
plan-grace-days = Días de gracia antes de dar el convenio por incumplido
plan-refinancing = Refinanciamiento
plan-refinancing-hint = Reemplaza los documentos incluidos por una nota de débito por cuota cuando el convenio entra en vigor.
plan-preview = Vista previa
plan-propose = Proponer
plan-title = Convenio de pago { $id }
plan-approved = Se aprobó el convenio de pago y ya está vigente.
plan-rejected = Se rechazó el convenio de pago.
plan-saved-active = Se guardó el convenio de pago y está vigente.
plan-saved-proposed = Se guardó el convenio de pago y espera aprobación.
plan-agreed-on = Acordado el
plan-broken-on = Incumplido el
plan-completed-on = Cumplido el
plan-paid = Pagado
plan-open-when-proposed = Saldo al proponerlo
settlement-form-title = Hacer una oferta de pago único
settlement-authority-hint = Sus ofertas se aprueban de inmediato si condonan como máximo el { $interest } % de los intereses y el { $principal } % del capital.
settlement-authority-none = Sus ofertas se aprueban de inmediato: su rol no tiene límites de condonación.
settlement-error-waiver = «{ $value }» no es un importe como { $example } ni un porcentaje de 0 a 100 como 40 %.
settlement-error-pay-by-past = La fecha límite de pago no puede ser anterior al { $date }.
settlement-approved = Se aprobó la oferta de pago único.
settlement-rejected = Se rechazó la oferta de pago único.
settlement-saved-approved = Se guardó la oferta de pago único y quedó aprobada dentro de sus atribuciones.
settlement-saved-pending = Se guardó la oferta de pago único y espera la aprobación de un { $role }.
settlement-title = Oferta de pago único { $id }
settlement-principal = Capital abierto (sin disputa)
settlement-interest-owed = Intereses adeudados
settlement-interest-from-statement = Calculado con el estado de intereses de mora al { $date }. Puede modificarlo.
settlement-interest-statement-failed = No se pudo calcular el estado de intereses de mora, así que los intereses adeudados empiezan en cero. Escríbalos usted. Motivo: { $detail }
settlement-letter-download = Descargar la carta de la oferta (PDF)
settlement-fees-owed = Gastos adeudados
settlement-owed = Total adeudado
settlement-waiver = Condonación de intereses
settlement-waiver-hint = Un importe, o un porcentaje de los intereses adeudados seguido de %, como 40 %.
settlement-principal-discount = Quita de capital
settlement-lump-sum = Pago único
settlement-offered-on = Ofrecida el
settlement-pay-by = Pagar a más tardar el
settlement-paid-on = Pagada el
settlement-submit = Hacer la oferta
write-off-form-title = Solicitar un castigo
write-off-balance = Saldo abierto (sin disputa)
write-off-hint = Los castigos los aprueba un gerente o un administrador. Un castigo aprobado cancela el importe contra los documentos abiertos más antiguos.
write-off-reason = Motivo
write-off-submit = Solicitar el castigo
write-off-error-amount = «{ $value }» no es un importe mayor que cero. Escríbalo como { $example }.
write-off-error-reason = Escriba el motivo del castigo.
write-off-title = Castigo { $id }
write-off-requested = Solicitado
write-off-recovered = Recuperado desde entonces
write-off-saved = Se solicitó el castigo y espera aprobación.
write-off-approved = Se aprobó el castigo.
write-off-rejected = Se rechazó el castigo.

# Estado de intereses de mora de un cliente
statement-link = Estado de intereses de mora
statement-title = Estado de intereses de mora
statement-as-of-label = Fecha del estado
statement-show = Mostrar
statement-download-pdf = Descargar PDF
statement-download-xlsx = Descargar Excel
statement-rule-heading = Regla aplicada
statement-rule-regime = régimen legal { $regime }
statement-rule-rate = tasa contractual de { $rate } % anual, base { $day_count }
statement-rule-grace = { $days } días de gracia
statement-rule-effective = vigente desde el { $date }
statement-rule-customer = regla propia del cliente
statement-no-rule = No hay una regla de intereses de mora para esta cartera, por lo que el estado no incluye intereses ni indemnizaciones. Un administrador puede fijarla con «recobro interest rule set».
statement-empty = El cliente no tiene documentos vencidos ni intereses pendientes a esta fecha.
statement-documents = Documentos
statement-principal-open = Capital pendiente
statement-interest-accrued = Intereses devengados
statement-interest-waived = Intereses condonados
statement-interest-paid = Intereses pagados
statement-interest-owed = Intereses adeudados
statement-fees = Indemnización por costes de cobro
statement-status = Situación
statement-paid-on = Pagado el { $date }
statement-totals = Totales
statement-currency = Moneda
statement-total = Total adeudado
statement-periods = Períodos por documento
statement-period-from = Desde
statement-period-to = Hasta
statement-days = Días
statement-base = Base
statement-rate = Tasa anual
statement-factor = factor { $factor }
statement-note = Los intereses corren sobre el capital pendiente desde el día siguiente al vencimiento hasta la fecha del estado, o hasta el día del pago total, ambos incluidos. No corren mientras un documento está en disputa. Los intereses de un documento pagado con atraso siguen adeudados hasta que se pagan o se condonan.
statement-error-date = La fecha «{ $value }» no es válida: use el formato AAAA-MM-DD, por ejemplo 2024-01-31.
statement-error-format = El formato «{ $value }» no es válido: use pdf o xlsx.
statement-error-currency = El documento { $document } está en { $currency }, pero el régimen { $regime } solo se aplica a deudas en { $regime_currency }. Fije una tasa contractual para este cliente.
statement-error-interest = No se pudo calcular el interés del documento { $document }: { $detail }
statement-error-rule = No se pudo preparar el estado: { $detail }
day-count-act365 = real/365
day-count-act360 = real/360
day-count-actact = real/real

## Expedientes, traspasos a cobranza judicial, estudios jurídicos y diagnóstico

nav-legal = Traspasos judiciales
nav-files = Expedientes
nav-health = Diagnóstico
files-title = Expediente del cliente
files-required = Se exige
files-required-none = nada
files-complete = Completo y vigente.
files-none = No hay documentos en el expediente.
file-kind = Tipo
file-name = Archivo
file-issued-on = Fecha de emisión
file-expires-on = Fecha de vencimiento
file-size = Tamaño
file-uploaded = Subido
file-remove = Quitar
file-expired = vencido
file-upload-title = Subir un documento
file-document = Documento
file-upload = Subir
file-note = Nota
file-upload-hint = Tipos aceptados: { $allowed }. Como máximo { $limit }.
file-back-to-customer = Volver al cliente
file-kind-contract = Contrato
file-kind-identity = Documento de identidad
file-kind-promissory-note = Pagaré
file-kind-guarantee = Garantía
file-kind-invoice-copy = Copia de factura
file-kind-correspondence = Correspondencia
file-kind-other = Otro
file-scope-customer = Todo cliente en cobranza
file-scope-legal = Antes de un traspaso a cobranza judicial
file-gap-missing = { $kind }: falta
file-gap-expired = { $kind }: vencido el { $date }
file-error-body-too-large = Se rechazó el archivo y no se guardó nada: pesa más de { $limit }.
file-error-date = { $field } no válida: «{ $value }». Use una fecha como 2024-01-31.
file-error-no-file = Elija el archivo que va a subir.
file-error-kind = Tipo de documento desconocido: «{ $value }». Elija uno de la lista.
file-error-scope = Exigencia desconocida: «{ $value }». Use customer o legal.
file-error-empty-name = Se rechazó el archivo y no se guardó nada: no tiene nombre.
file-error-unsafe-name = Se rechazó el archivo y no se guardó nada: el nombre «{ $name }» no está permitido. Use un nombre simple, sin carpetas, sin un punto al inicio ni caracteres de control.
file-error-long-name = Se rechazó el archivo y no se guardó nada: el nombre «{ $name }» tiene más de 200 caracteres.
file-error-type = Se rechazó el archivo y no se guardó nada: «{ $name }» no es de un tipo aceptado. Tipos aceptados: { $allowed }.
file-error-content = Se rechazó el archivo y no se guardó nada: el contenido de «{ $name }» no es un archivo { $expected }, como dice su nombre.
file-error-empty = Se rechazó el archivo y no se guardó nada: «{ $name }» está vacío.
file-error-too-large = Se rechazó el archivo y no se guardó nada: «{ $name }» pesa { $size } bytes, más que el máximo de { $limit } bytes ({ $limit_size }).
file-error-expiry = La fecha de vencimiento { $expires } es anterior a la de emisión { $issued }.
files-incomplete-title = Expedientes incompletos
files-incomplete-intro = Clientes con un caso de cobranza abierto a cuyo expediente le falta un documento exigido, o que solo tiene documentos vencidos.
files-scope = Exigencia
files-incomplete-none = Todos los expedientes están completos y vigentes.
files-gaps = Faltantes o vencidos
health-title = Diagnóstico
health-intro = Las diez preguntas de una revisión de la cobranza, respondidas con los datos de la cartera.
health-summary = { $ok } en orden, { $warnings } con advertencia, { $missing } faltantes.
health-question = Pregunta
health-status = Estado
health-figure = Cifra
health-fix = Corregir
health-question-aging-report = ¿Hay un reporte de antigüedad de saldos vencidos?
health-question-latest-actions = ¿Hay un reporte de las últimas gestiones de cobranza por cliente?
health-question-customer-files = ¿Tiene cada cliente su documentación en el expediente, y está vigente?
health-question-procedure = ¿Tienen los gestores un procedimiento claro: qué gestión para qué mora?
health-question-team = ¿Tiene personal el equipo de cobranza y está asignada cada cuenta?
health-question-follow-up = ¿Hay sistemas para dar seguimiento a toda la cartera?
health-question-renegotiation = ¿Hay planes para los clientes que piden renegociar plazos e intereses moratorios?
health-question-settlements = ¿Hay un procedimiento para el cliente que ofrece un pago único y pide la condonación de intereses?
health-question-segments = ¿Están segmentados los clientes con los que la empresa ya no quiere continuar la relación comercial?
health-question-law-firm = ¿Hay un estudio jurídico elegido para los casos que pasan a cobranza judicial?
health-status-ok = En orden
health-status-warning = Advertencia
health-status-missing = Falta
health-figure-aging-report-none = Todavía no hay un proceso diario, así que no hay informe de antigüedad.
health-figure-aging-report-stale = El último proceso diario es al { $run }, hace { $days } días.
health-figure-aging-report-ok = Antigüedad al { $run }. Casos abiertos: { $cases }.
health-figure-latest-actions = Casos abiertos con una gestión en los últimos 30 días: { $worked } de { $cases } ({ $percent } %).
health-figure-customer-files = Casos abiertos con el expediente completo: { $complete } de { $cases }. Con un documento vencido: { $expired }.
health-figure-procedure-own = Rige la política propia de la cartera: { $stages } etapas, la primera a los { $first } días de atraso.
health-figure-procedure-default = La política predeterminada, todavía sin revisar: { $stages } etapas, la primera a los { $first } días de atraso.
health-figure-team = Gestores activos: { $collectors }. Casos abiertos sin asignar: { $unassigned } de { $cases }.
health-figure-follow-up = Tareas abiertas: { $tasks }, vencidas: { $overdue }. Promesas de pago abiertas: { $promises }.
health-figure-renegotiation-rule = Hay una regla de intereses moratorios. Convenios de pago: { $plans }, activos: { $active }.
health-figure-renegotiation-no-rule = No hay una regla de intereses moratorios. Convenios de pago: { $plans }, activos: { $active }.
health-figure-settlements = Ofertas de pago único: { $offers }, pagadas: { $paid }. Jefes de cobranza y administradores que aprueban por encima del límite de un gestor: { $deciders }.
health-figure-segments = Clientes con los que no seguir: { $stop }. Con crédito bloqueado: { $hold }. Sugerencias de estado pendientes de decisión: { $pending }.
health-figure-law-firm = Estudios jurídicos activos: { $firms }. Casos en un estudio: { $referred }. Propuestas de derivación pendientes: { $pending }. Candidatos a cobranza judicial: { $candidates }.
legal-title = Cobranza judicial
legal-intro = Casos con { $days } o más días de mora. Un jefe de cobranza aprueba cada traspaso con un estudio jurídico, lo que arma el legajo del caso, o lo rechaza con un motivo.
legal-incomplete-files-link = Expedientes incompletos para un traspaso
legal-proposals = Traspasos propuestos
legal-no-active-firm = Ningún estudio jurídico activo tiene cupo para otro caso.
legal-proposals-none = Ningún traspaso espera una decisión.
legal-decision = Decisión
legal-firm = Estudio jurídico
legal-approve = Aprobar
legal-reason = Motivo
legal-reject = Rechazar
legal-next-run = Lo propone el próximo proceso diario.
legal-incomplete = Candidatos con el expediente incompleto
legal-incomplete-none = El expediente de cada candidato está completo.
legal-referrals = Traspasos
legal-referrals-none = Aún no hay traspasos.
legal-referral = Traspaso
legal-status = Estado
legal-since = Desde
legal-referred = Traspasado
legal-recovered = Recuperado
legal-fees = Honorarios
legal-net-recovered = Recuperado neto
legal-report = Traspasos por estudio jurídico
legal-report-none = Aún no se traspasó ningún caso a un estudio jurídico.
legal-report-rate = Tasa de recuperación (%)
legal-report-referrals = Traspasos
legal-report-open = Abiertos
legal-report-closed = Cerrados
legal-error-unknown-firm = No se encontró el estudio jurídico «{ $firm }».
legal-error-inactive-firm = El estudio jurídico «{ $firm }» no está activo. Elija otro.
legal-error-firm-full = El estudio jurídico «{ $firm }» ya tiene { $open } traspasos abiertos, su cupo. Elija otro o amplíe su cupo.
legal-error-wrong-status = El traspaso { $id } está en estado «{ $status }», así que esto no se puede hacer ahora.
legal-error-incomplete-file = El expediente del cliente { $customer } no está completo para un traspaso a cobranza judicial: { $missing }.
legal-error-invalid = No se guardó el cambio: { $detail }
legal-error-no-firm = Elija el estudio jurídico que toma el caso.
legal-error-no-reason = Indique el motivo del rechazo.
referral-status-proposed = Propuesto
referral-status-rejected = Rechazado
referral-status-prepared = Preparado
referral-status-sent = Enviado al estudio
referral-status-accepted = Aceptado por el estudio
referral-status-filed = Demanda presentada
referral-status-judgment = Sentencia
referral-status-recovering = En recuperación
referral-status-closed = Cerrado
referral-title = Traspaso { $id }
referral-back = Volver a cobranza judicial
referral-customer-link = Página del cliente
referral-proposed-on = Propuesto el
referral-days = días de mora
referral-decided = Decidido por
referral-court-reference = Número de expediente judicial
referral-packet = Descargar el legajo del caso
referral-move = Siguiente estado
referral-next-status = Estado
referral-date = Fecha
referral-note = Nota
referral-move-button = Guardar el estado
referral-recovery = Registrar una recuperación
referral-recovery-amount = Monto recuperado
referral-recovery-hint = El monto entra en la contabilidad como un pago del cliente, aplicado primero a los documentos más antiguos.
referral-recovery-button = Registrar la recuperación
referral-events = Historial
referral-events-none = Aún no hay estados registrados.
referral-recoveries = Recuperaciones
referral-recoveries-none = Aún no se recuperó nada.
referral-error-no-status = Elija el siguiente estado.
referral-error-date = Fecha no válida: «{ $value }». Use una fecha como 2024-01-31.
referral-error-amount = Monto no válido: «{ $value }». Escriba un monto mayor que cero, como 1.500,00.
firms-title = Estudios jurídicos
firms-intro = Los estudios jurídicos que llevan los casos a cobranza judicial.
firms-back = Volver a cobranza judicial
firms-none = Aún no hay estudios jurídicos.
firms-add = Agregar un estudio jurídico
firm-code = Código
firm-name = Nombre
firm-contact = Contacto
firm-fees = Honorarios
firm-capacity = Cupo
firm-open-referrals = Traspasos abiertos
firm-active = Activo
firm-edit = Editar
firm-no-limit = sin límite
firm-yes = Sí
firm-no = No
firm-code-hint = Letras, dígitos, «-» o «_», sin espacios. No se puede cambiar después.
firm-contact-name = Persona de contacto
firm-email = Correo electrónico
firm-phone = Teléfono
firm-address = Dirección
firm-percent = Honorario de éxito (% de lo recuperado)
firm-fixed-fee = Honorario fijo por traspaso
firm-fee-currency = Moneda del honorario fijo
firm-capacity-hint = La mayor cantidad de traspasos abiertos que toma el estudio; déjelo vacío para no poner límite.
firm-save = Guardar
firm-cancel = Cancelar
firm-error-code = Código no válido: «{ $value }». Use letras, dígitos, «-» o «_», sin espacios.
firm-error-name = Escriba el nombre del estudio.
firm-error-percent = Honorario de éxito no válido: «{ $value }». Escriba un porcentaje de 0 a 100, como 15 o 12,5.
firm-error-fee-currency = Un honorario fijo necesita su moneda, como USD.
firm-error-fee = Honorario fijo no válido: «{ $value }». Escriba un monto como 500,00.
firm-error-capacity = Cupo no válido: «{ $value }». Escriba un número entero de al menos 1, o déjelo vacío.
firm-error-email = Correo electrónico no válido: «{ $value }».

# Cartas de cobranza
nav-letters = Cartas
letters-title = Cartas de cobranza
letters-intro = Genere como borradores las cartas de todos los casos de una etapa, revíselas y apruébelas para enviarlas por correo electrónico o imprimirlas.
letters-generate-heading = Generar para una etapa
letters-stage = Etapa
letters-stage-demand = Cartas de requerimiento (etapas con carta de requerimiento)
letters-stage-formal-notice = Requerimientos formales (etapas con requerimiento formal)
letters-stage-reminder = Recordatorios (etapas con recordatorio)
letters-stage-code = Etapa: { $stage }
letters-as-of = Fecha de las cartas
letters-language = Idioma
letters-language-customer = El idioma de cada cliente
letters-generate = Generar borradores
letters-generated = Se guardaron { $drafted } borradores, se conservaron { $kept } cartas ya aprobadas o entregadas y se omitieron { $skipped } clientes.
letters-kind = Tipo
letters-status = Estado
letters-none = Ninguna carta coincide.
letters-shown = Se muestran { $shown } de { $total } cartas.
letters-id = Carta
letters-date = Fecha
letters-customer = Cliente
letters-created-by = Generada por
letters-decided-by = Decidida por
letters-pdf = PDF
letters-download = Descargar
letters-actions = Acciones
letters-approve = Aprobar
letters-cancel = Anular
letters-approved = Carta aprobada.
letters-cancelled = Carta anulada.
letters-error-date = Fecha no válida "{ $value }": ingrese una fecha como 2024-06-30.
letters-error-stage = Etapa desconocida "{ $value }": elija una de la lista.
letters-error-no-stage = Ninguna etapa de la política vigente en esa fecha genera este tipo de carta.
letters-error-status = Esta carta está en estado { $status }, por lo que no se puede cambiar.
letter-kind-reminder = Recordatorio
letter-kind-formal-notice = Requerimiento formal de pago
letter-kind-demand = Carta de requerimiento
letter-kind-plan-agreement = Convenio de pago
letter-kind-settlement-offer = Oferta de pago único
letter-status-draft = Borrador
letter-status-approved = Aprobada
letter-status-sent = Enviada
letter-status-queued-for-print = En cola de impresión
letter-status-cancelled = Anulada
